import { useState } from 'preact/hooks';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import {
  DETAILS_FIELDS,
  DETAILS_FIELD_ORDER,
  PREFERRED_CONTACTS,
  detailsForm,
  toChangePatient,
  validateDetails,
  type DetailsForm,
} from '../lib/patient-edit';
import type { Patient } from '../lib/types';
import { Button, ErrorSummary, SelectField, TextField } from '../ui/components';
import { DemographicsFields } from '../ui/demographics-fields';
import { useServices } from '../ui/services';

/** "Edit details": the record's fields; only what changed is sent. */
export function EditDetailsForm(props: { patient: Patient; onSaved: (message: string) => Promise<void>; onCancel: () => void }) {
  const { api, today } = useServices();
  const [form, setForm] = useState<DetailsForm>(() => detailsForm(props.patient));
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const set = (changes: Partial<DetailsForm>) => setForm({ ...form, ...changes });
  const field = (key: keyof DetailsForm) => ({
    id: DETAILS_FIELDS[key]!.id,
    label: DETAILS_FIELDS[key]!.label,
    value: form[key],
    onValue: (value: string) => set({ [key]: value }),
    error: problems.fields[DETAILS_FIELDS[key]!.id],
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateDetails(form, today());
    setProblems(found);
    if (hasProblems(found)) return;
    const change = toChangePatient(form, props.patient);
    if (Object.keys(change).length === 0) {
      await props.onSaved('Nothing was changed.');
      return;
    }
    setBusy(true);
    const { data, error, response } = await api.PATCH('/v1/patients/{patientId}', {
      params: { path: { patientId: props.patient.patientId } },
      body: change,
    });
    setBusy(false);
    if (!data) {
      setProblems(problemsFromError(error, DETAILS_FIELDS, '', `The details were not saved (HTTP ${response.status}).`));
      return;
    }
    await props.onSaved('Details saved.');
  };

  return (
    <form onSubmit={submit} noValidate class="form">
      <ErrorSummary problems={problems} order={DETAILS_FIELD_ORDER} />
      <TextField {...field('givenName')} autocomplete="off" />
      <TextField {...field('familyName')} autocomplete="off" />
      <TextField {...field('dateOfBirth')} type="date" width="10" />
      <TextField {...field('nhsNumber')} label="NHS number (optional)" inputMode="numeric" width="10" autocomplete="off" />
      <TextField {...field('postcode')} label="Postcode (optional)" width="10" autocomplete="off" />
      <TextField {...field('phone')} label="Phone (optional)" type="tel" width="20" autocomplete="off" />
      <TextField {...field('email')} label="Email (optional)" type="email" autocomplete="off" spellcheck={false} />
      <TextField {...field('gpPractice')} label="GP practice (optional)" autocomplete="off" />
      <TextField {...field('gpPracticeCode')} label="GP practice ODS code (optional)" hint="One letter and five digits, like A81001" width="10" autocomplete="off" />
      <SelectField {...field('preferredContact')} label="Preferred contact (optional)" options={PREFERRED_CONTACTS} placeholder="Not given" />
      <DemographicsFields prefix="edit" value={form} onValue={set} errors={problems.fields} />
      <div class="button-group">
        <Button type="submit" disabled={busy}>
          Save details
        </Button>
        <Button variant="secondary" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
