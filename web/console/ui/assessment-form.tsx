import { useState } from 'preact/hooks';
import {
  AMENDMENT_FIELD_ORDER,
  ASSESSMENT_FIELD_ORDER,
  ONS4_HINT,
  ONS4_QUESTIONS,
  ONS4_SCALE,
  SWEMWBS_INTRO,
  SWEMWBS_ITEMS,
  SWEMWBS_RESPONSES,
  emptyAssessmentForm,
  formFromAssessment,
  validateAmendment,
  ons4FieldId,
  swemwbsFieldId,
  validateAssessment,
  type AmendmentForm,
  type AssessmentForm,
} from '../lib/assessment';
import { hasProblems, noProblems, type FormProblems } from '../lib/issues';
import type { Assessment, CreateAssessment } from '../lib/types';
import { Button, ErrorSummary, Radios, TextArea, TextField } from './components';

const ONS4_OPTIONS = ONS4_SCALE.map((value) => ({ value, label: value }));
const KIND_OPTIONS = [
  { value: 'baseline', label: 'Baseline (before or at the start of a prescription)' },
  { value: 'follow_up', label: 'Follow-up (at the end of a prescription)' },
];

/**
 * The wellbeing assessment form, shared by the patient page (with the kind choice) and the
 * follow-up inbox (without it). `save` sends it and answers the problems, if any, to show.
 */
export function AssessmentFormView(props: {
  withKind: boolean;
  initialKind?: CreateAssessment['kind'];
  save: (form: AssessmentForm) => Promise<FormProblems | undefined>;
  onCancel: () => void;
}) {
  return (
    <AnswersForm
      initial={() => ({ ...emptyAssessmentForm(props.initialKind ?? 'baseline'), reason: '' })}
      validate={validateAssessment}
      order={ASSESSMENT_FIELD_ORDER}
      withKind={props.withKind}
      save={props.save}
      onCancel={props.onCancel}
      submitLabel="Save assessment"
    />
  );
}

/**
 * The correction of a recorded assessment: its answers filled in, no notes (they are not
 * amendable) and a reason the navigator must give; the answers it replaces are kept by the API.
 */
export function AmendAssessmentFormView(props: {
  assessment: Assessment;
  save: (form: AmendmentForm) => Promise<FormProblems | undefined>;
  onCancel: () => void;
}) {
  return (
    <AnswersForm
      initial={() => formFromAssessment(props.assessment)}
      validate={validateAmendment}
      order={AMENDMENT_FIELD_ORDER}
      withKind={false}
      withReason
      save={props.save}
      onCancel={props.onCancel}
      submitLabel="Save correction"
    />
  );
}

function AnswersForm(props: {
  initial: () => AmendmentForm;
  validate: (form: AmendmentForm) => FormProblems;
  order: string[];
  withKind: boolean;
  withReason?: boolean;
  save: (form: AmendmentForm) => Promise<FormProblems | undefined>;
  onCancel: () => void;
  submitLabel: string;
}) {
  const [form, setForm] = useState<AmendmentForm>(props.initial);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = props.validate(form);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const failed = await props.save(form);
    if (failed) {
      setProblems(failed);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate class="form assessment-form">
      <ErrorSummary problems={problems} order={props.order} />
      {props.withKind && (
        <Radios
          id="kind"
          name="kind"
          legend="Type of assessment"
          legendClass="fieldset__legend--m"
          options={KIND_OPTIONS}
          value={form.kind}
          onValue={(value) => setForm((f) => ({ ...f, kind: value as AssessmentForm['kind'] }))}
          error={problems.fields.kind}
        />
      )}

      <fieldset class="fieldset section-fieldset">
        <legend class="fieldset__legend fieldset__legend--m">Personal wellbeing (ONS4)</legend>
        {ONS4_QUESTIONS.map((q) => (
          <Radios
            key={q.key}
            id={ons4FieldId(q.key)}
            name={ons4FieldId(q.key)}
            legend={q.question}
            hint={ONS4_HINT}
            options={ONS4_OPTIONS}
            value={form.ons4[q.key]}
            onValue={(value) => setForm((f) => ({ ...f, ons4: { ...f.ons4, [q.key]: value } }))}
            error={problems.fields[ons4FieldId(q.key)]}
            inline
            small
            legendClass="fieldset__legend--s"
          />
        ))}
      </fieldset>

      <fieldset class="fieldset section-fieldset">
        <legend class="fieldset__legend fieldset__legend--m">Wellbeing statements (SWEMWBS)</legend>
        <p class="body">{SWEMWBS_INTRO}</p>
        <p class="hint">Answer all 7 statements, or leave them all blank.</p>
        {SWEMWBS_ITEMS.map((item, index) => (
          <Radios
            key={item}
            id={swemwbsFieldId(index)}
            name={swemwbsFieldId(index)}
            legend={item}
            options={SWEMWBS_RESPONSES}
            value={form.swemwbs[index] ?? ''}
            onValue={(value) =>
              setForm((f) => ({ ...f, swemwbs: f.swemwbs.map((answer, i) => (i === index ? value : answer)) }))
            }
            error={problems.fields[swemwbsFieldId(index)]}
            inline
            small
            legendClass="fieldset__legend--s"
          />
        ))}
      </fieldset>

      <fieldset class="fieldset section-fieldset">
        <legend class="fieldset__legend fieldset__legend--m">Activity and self-care</legend>
        <TextField
          id="activeDays"
          label="Active days last week (0–7)"
          hint="(optional) Days with at least 30 minutes of physical activity"
          value={form.activeDays}
          onValue={(value) => setForm((f) => ({ ...f, activeDays: value }))}
          error={problems.fields.activeDays}
          inputMode="numeric"
          width="2"
        />
        <TextField
          id="selfCareConfidence"
          label="Confidence to look after own health (0–10)"
          hint="(optional) 0 is not at all confident, 10 is completely confident"
          value={form.selfCareConfidence}
          onValue={(value) => setForm((f) => ({ ...f, selfCareConfidence: value }))}
          error={problems.fields.selfCareConfidence}
          inputMode="numeric"
          width="2"
        />
        {!props.withReason && (
          <TextArea
            id="notes"
            label="Notes"
            hint="(optional)"
            value={form.notes}
            onValue={(value) => setForm((f) => ({ ...f, notes: value }))}
            error={problems.fields.notes}
          />
        )}
      </fieldset>

      {props.withReason && (
        <TextArea
          id="reason"
          label="Why it is being corrected"
          hint="For example, “answers entered against the wrong question”. The original answers are kept."
          value={form.reason}
          onValue={(value) => setForm((f) => ({ ...f, reason: value }))}
          error={problems.fields.reason}
          rows={2}
        />
      )}

      <div class="button-group">
        <Button type="submit" disabled={busy}>
          {props.submitLabel}
        </Button>
        <Button variant="secondary" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
