import { useState } from 'preact/hooks';
import { REFERRAL_SOURCES } from '../lib/format';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import {
  COMMON_REASONS,
  REFERRAL_FIELD_ORDER,
  REFERRAL_FIELDS,
  addReason,
  emptyReferralForm,
  toCreateReferral,
  validateReferral,
  type ReferralForm,
} from '../lib/referral';
import { href } from '../lib/routes';
import { Button, ErrorSummary, SelectField, TextArea, TextField } from '../ui/components';
import { DemographicsFields } from '../ui/demographics-fields';
import { ApiError, useServices, useTitle } from '../ui/services';

export function NewReferral() {
  useTitle('New referral');
  const { api, session, today } = useServices();
  const [form, setForm] = useState<ReferralForm>(emptyReferralForm);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof ReferralForm) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const error = (id: string) => problems.fields[id];

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateReferral(form, today());
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    try {
      const { data, error: body, response } = await api.POST('/v1/referrals', { body: toCreateReferral(form) });
      if (!data) throw new ApiError(response.status, body);
      location.hash = href.patient(data.patientId);
    } catch (caught) {
      setProblems(problemsFromError(caught instanceof ApiError ? caught.body : undefined, REFERRAL_FIELDS, '', caught instanceof Error ? caught.message : undefined));
      setBusy(false);
    }
  };

  return (
    <>
      <h1 class="heading-xl">New referral</h1>
      <p class="body">Take a referral: the person joins your caseload. Fields marked (optional) can be left blank.</p>
      <ErrorSummary problems={problems} order={REFERRAL_FIELD_ORDER} />
      <form onSubmit={submit} noValidate class="form">
        <h2 class="heading-m">The person</h2>
        <TextField id="givenName" label="Given name" value={form.givenName} onValue={set('givenName')} error={error('givenName')} autocomplete="off" spellcheck={false} width="20" />
        <TextField id="familyName" label="Family name" value={form.familyName} onValue={set('familyName')} error={error('familyName')} autocomplete="off" spellcheck={false} width="20" />
        <TextField id="dateOfBirth" label="Date of birth" type="date" hint="For example, 27 March 1961" value={form.dateOfBirth} onValue={set('dateOfBirth')} error={error('dateOfBirth')} max={today()} width="10" />
        <TextField id="nhsNumber" label="NHS number" hint="(optional) 10 digits, for example 943 476 5919" value={form.nhsNumber} onValue={set('nhsNumber')} error={error('nhsNumber')} inputMode="numeric" spellcheck={false} width="10" />
        <TextField id="postcode" label="Postcode" hint="(optional)" value={form.postcode} onValue={set('postcode')} error={error('postcode')} autocomplete="off" spellcheck={false} width="10" />
        <TextField id="phone" label="Phone" type="tel" hint="(optional) A UK number, for example 07700 900123" value={form.phone} onValue={set('phone')} error={error('phone')} autocomplete="off" width="20" />
        <TextField id="email" label="Email" type="email" hint="(optional)" value={form.email} onValue={set('email')} error={error('email')} autocomplete="off" spellcheck={false} />
        <TextField id="gpPractice" label="GP practice" hint="(optional) Practice name or ODS code" value={form.gpPractice} onValue={set('gpPractice')} error={error('gpPractice')} />
        <TextField
          id="gpPracticeCode"
          label="GP practice ODS code"
          hint="(optional) One letter and five digits, like A81001: where a summary for the GP goes, if the person agrees"
          value={form.gpPracticeCode}
          onValue={set('gpPracticeCode')}
          error={error('gpPracticeCode')}
          width="10"
          autocomplete="off"
        />
        <DemographicsFields prefix="" value={form} onValue={(changes) => setForm((f) => ({ ...f, ...changes }))} errors={problems.fields} />

        <h2 class="heading-m">The referral</h2>
        <SelectField
          id="source"
          label="Referral source"
          hint="Who referred them"
          value={form.source}
          onValue={set('source')}
          options={REFERRAL_SOURCES}
          placeholder="Choose a source"
          error={error('source')}
        />
        <TextField
          id="reasons"
          label="Reasons"
          hint={`Separate reasons with commas. Common reasons: ${COMMON_REASONS.join(', ')}.`}
          value={form.reasons}
          onValue={set('reasons')}
          error={error('reasons')}
          autocomplete="off"
        />
        <div class="suggestions" role="group" aria-labelledby="reason-suggestions">
          <p class="body-s" id="reason-suggestions">
            Add a common reason:
          </p>
          <ul class="suggestions__list">
            {COMMON_REASONS.map((reason) => (
              <li key={reason}>
                <button type="button" class="suggestion" onClick={() => setForm((f) => ({ ...f, reasons: addReason(f.reasons, reason) }))}>
                  <span class="visually-hidden">Add </span>
                  {reason}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <TextArea id="notes" label="Notes" hint="(optional) Anything the navigator should know" value={form.notes} onValue={set('notes')} error={error('notes')} />
        {session.role === 'admin' && (
          <TextField
            id="navigator"
            label="Navigator"
            hint="(optional) The user ID of the navigator whose caseload they join, for example local-navigator"
            value={form.navigator}
            onValue={set('navigator')}
            error={error('navigator')}
            spellcheck={false}
            width="20"
          />
        )}
        <Button type="submit" disabled={busy}>
          Create referral
        </Button>
      </form>
    </>
  );
}
