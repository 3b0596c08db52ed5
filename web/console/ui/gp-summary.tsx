import { gpSummaryPreparedText, gpSummaryReason, type GpSummaryPrepared, type GpSummarySkip } from '../lib/gp-summary';
import { href } from '../lib/routes';

/** The ids of the patient page's sections a reason points to. */
const FIX_TARGETS = { consent: 'consent-heading', details: 'details-heading' } as const;

/** Moves to a section of this page: the hash is the router's, so "#id" must never navigate. */
function jump(event: Event, id: string) {
  event.preventDefault();
  const target = document.getElementById(id);
  if (target) {
    target.scrollIntoView({ block: 'start' });
    target.focus();
  }
}

/**
 * Why no summary goes to the person's GP, with a link to where it is fixed: on their own page a
 * jump to the section, elsewhere their page.
 */
export function GpSummaryReason(props: { why: GpSummarySkip; name: string; patientId: string; when: 'ended' | 'later'; onPatientPage: boolean }) {
  const text = gpSummaryReason(props.why, props.name, props.when);
  const target = text.fix ? FIX_TARGETS[text.fix] : undefined;
  return (
    <>
      {text.sentence}
      {target && text.fixLabel && (
        <>
          {' '}
          {props.onPatientPage ? (
            <a href={`#${target}`} onClick={(event) => jump(event, target)}>
              {text.fixLabel}
            </a>
          ) : (
            <a href={href.patient(props.patientId)}>{text.fixLabel} on their page</a>
          )}
          .
        </>
      )}
    </>
  );
}

/** A summary prepared: a link to it in the GP outbox. */
export function GpSummaryLink(props: { messageId: string; status?: 'ready' | 'sent' | undefined }) {
  return (
    <>
      {gpSummaryPreparedText(props.status)}{' '}
      <a href={href.gpMessages(props.status === 'sent' ? 'sent' : undefined, props.messageId)}>Open it in the GP outbox</a>.
    </>
  );
}

/** What a decline or close answered about the GP summary. */
export function GpSummaryOutcome(props: { summary: GpSummaryPrepared; name: string; patientId: string; onPatientPage: boolean }) {
  const { summary } = props;
  if (summary.prepared && summary.messageId) return <GpSummaryLink messageId={summary.messageId} status="ready" />;
  if (!summary.why) return null;
  return <GpSummaryReason why={summary.why} name={props.name} patientId={props.patientId} when="ended" onPatientPage={props.onPatientPage} />;
}
