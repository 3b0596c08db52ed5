import { useEffect, useRef, useState } from 'preact/hooks';
import { noProblems, problemsFromError, hasProblems, type FormProblems } from '../lib/issues';
import {
  CLOSE_REASONS,
  DECLINE_REASONS,
  END_FIELDS,
  END_FIELD_ORDER,
  toEndBody,
  validateEnd,
  type CloseReason,
  type DeclineReason,
  type EndForm,
  type Referral,
} from '../lib/lifecycle';
import type { GpSummaryPrepared } from '../lib/gp-summary';
import { Button, ErrorSummary, SelectField, Success, TextArea } from './components';
import { GpSummaryOutcome } from './gp-summary';
import { useServices } from './services';

export type ReferralAction = 'accept' | 'decline' | 'close';

const HEADINGS: Record<ReferralAction, string> = {
  accept: 'Accept the referral',
  decline: 'Decline the referral',
  close: 'Close the referral',
};

/** What an action did: its message, and for a decline or close what became of the summary for the GP. */
export interface ReferralDone {
  message: string;
  patientId: string;
  name: string;
  gpSummary?: GpSummaryPrepared;
}

/** The notice after an action: on the patient's page a missing consent is a jump to the section, elsewhere a link to the page. */
export function ReferralDoneNotice({ done, onPatientPage }: { done: ReferralDone; onPatientPage: boolean }) {
  return (
    <Success>
      {done.message}
      {done.gpSummary && (
        <>
          {' '}
          <GpSummaryOutcome summary={done.gpSummary} name={done.name} patientId={done.patientId} onPatientPage={onPatientPage} />
        </>
      )}
    </Success>
  );
}

/**
 * Accepting (a confirmation), declining or closing (a reason, and a note for "other") one
 * referral. Its heading takes focus when it opens; `onDone` gets what it did.
 */
export function ReferralActionPanel(props: {
  referral: Pick<Referral, 'referralId' | 'status' | 'patientId'>;
  name: string;
  action: ReferralAction;
  onDone: (done: ReferralDone) => Promise<void> | void;
  onCancel: () => void;
}) {
  const { api } = useServices();
  const { referral, name, action } = props;
  const [form, setForm] = useState<EndForm>({ reason: '', note: '' });
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [referral.referralId, action]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const path = { params: { path: { referralId: referral.referralId } } };
    if (action !== 'accept') {
      const found = validateEnd(form, action);
      setProblems(found);
      if (hasProblems(found)) return;
    }
    setBusy(true);
    const result =
      action === 'accept'
        ? await api.POST('/v1/referrals/{referralId}/accept', path)
        : action === 'decline'
          ? await api.POST('/v1/referrals/{referralId}/decline', { ...path, body: toEndBody<DeclineReason>(form) })
          : await api.POST('/v1/referrals/{referralId}/close', { ...path, body: toEndBody<CloseReason>(form) });
    setBusy(false);
    if (!result.data) {
      setProblems(problemsFromError(result.error, END_FIELDS, '', `The referral was not changed (HTTP ${result.response.status}).`));
      return;
    }
    const data: { withdrawnPrescriptionId?: string; gpSummary?: GpSummaryPrepared } = result.data;
    const withdrawn = action === 'close' && data.withdrawnPrescriptionId ? ' Their prescription was withdrawn and its follow-up cancelled.' : '';
    await props.onDone({
      message:
        action === 'accept' ? `Referral of ${name} accepted.` : action === 'decline' ? `Referral of ${name} declined.` : `Referral of ${name} closed.${withdrawn}`,
      patientId: referral.patientId,
      name,
      ...(data.gpSummary ? { gpSummary: data.gpSummary } : {}),
    });
  };

  return (
    <form onSubmit={submit} noValidate class="form action-panel" aria-labelledby="action-heading">
      <h2 class="heading-m" id="action-heading" tabIndex={-1} ref={heading}>
        {HEADINGS[action]} of {name}
      </h2>
      <ErrorSummary problems={problems} order={END_FIELD_ORDER} />
      {action === 'accept' ? (
        <p class="body">Accept it when first contact has been made. Recording a contact that reaches them, or a baseline assessment, accepts it too.</p>
      ) : (
        <>
          {action === 'close' && (
            <p class="body">Closing ends this episode. A prescription still running is withdrawn, and its follow-up cancelled.</p>
          )}
          <SelectField
            id="endReason"
            label={action === 'decline' ? 'Reason for declining' : 'Reason for closing'}
            value={form.reason}
            onValue={(reason) => setForm({ ...form, reason })}
            options={action === 'decline' ? DECLINE_REASONS : CLOSE_REASONS}
            placeholder="Choose a reason"
            error={problems.fields.endReason}
          />
          <TextArea
            id="endNote"
            label="Note (optional unless the reason is other)"
            hint="Seen only by staff who may see this person"
            value={form.note}
            onValue={(note) => setForm({ ...form, note })}
            error={problems.fields.endNote}
            rows={3}
          />
        </>
      )}
      <div class="button-group">
        <Button type="submit" variant={action === 'accept' ? 'primary' : 'warning'} disabled={busy}>
          {action === 'accept' ? 'Yes, accept referral' : action === 'decline' ? 'Decline referral' : 'Close referral'}
        </Button>
        <Button variant="secondary" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
