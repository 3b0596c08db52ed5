import { useEffect, useRef, useState } from 'preact/hooks';
import { ASSESSMENT_FIELDS, toAssessmentInput } from '../lib/assessment';
import { formatDate, formatDateTime, formatInstantDate } from '../lib/dates';
import { FOLLOW_UP_STATUS_LABELS, PRESCRIPTION_STATUS_LABELS, personName } from '../lib/format';
import { problemsFromError } from '../lib/issues';
import { href } from '../lib/routes';
import type { FollowUp } from '../lib/types';
import { AssessmentFormView } from '../ui/assessment-form';
import { changeSentence } from './patient-assessments';
import { ErrorNotice, Loading, Success, Tag, VisuallyHidden } from '../ui/components';
import { listAll, must, useLoad, useServices, useTitle } from '../ui/services';

type Status = FollowUp['status'];
const TABS: { status: Status; label: string }[] = [
  { status: 'due', label: 'Due' },
  { status: 'scheduled', label: 'Scheduled' },
  { status: 'held', label: 'On hold' },
  { status: 'completed', label: 'Completed' },
];
const isStatus = (value: string | undefined): value is Status => !!value && Object.hasOwn(FOLLOW_UP_STATUS_LABELS, value);

/** The follow-up inbox: who is due a follow-up assessment, and the form to record it. */
export function FollowUps({ status }: { status?: string }) {
  useTitle('Follow-ups');
  const { api, session } = useServices();
  const shown: Status = isStatus(status) ? status : 'due';
  const followUps = useLoad(
    () =>
      listAll(async (cursor) =>
        must(await api.GET('/v1/followups', { params: { query: { status: shown, limit: 100, ...(cursor ? { cursor } : {}) } } })),
      ),
    [shown],
  );
  const [recording, setRecording] = useState<FollowUp>();
  const [saved, setSaved] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (recording) heading.current?.focus();
  }, [recording]);
  useEffect(() => setRecording(undefined), [shown]);
  const canRecord = session.role === 'navigator' || session.role === 'admin';
  const recordable = shown === 'due' || shown === 'scheduled' || shown === 'held';

  return (
    <>
      <h1 class="heading-xl">Follow-ups</h1>
      <p class="body">
        When a prescription ends, hold a follow-up assessment with the person: the same wellbeing questions as at the start, so the change can be
        measured.
      </p>
      <nav class="tabs" aria-label="Follow-ups by status">
        <ul class="tabs__list">
          {TABS.map((tab) => (
            <li class="tabs__item" key={tab.status}>
              <a class={`tabs__link${tab.status === shown ? ' tabs__link--current' : ''}`} href={href.followups(tab.status === 'due' ? undefined : tab.status)} aria-current={tab.status === shown ? 'page' : undefined}>
                {tab.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2 class="heading-l">{FOLLOW_UP_STATUS_LABELS[shown]}</h2>
      {saved && <Success>{saved}</Success>}
      {followUps.state === 'loading' && <Loading what="Loading follow-ups" />}
      {followUps.state === 'error' && <ErrorNotice>{followUps.error}</ErrorNotice>}
      {followUps.state === 'ready' &&
        (followUps.data.length === 0 ? (
          <p class="body">{shown === 'due' ? 'No follow-ups are due. Well done.' : `No follow-ups are ${FOLLOW_UP_STATUS_LABELS[shown].toLowerCase()}.`}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">{shown === 'completed' ? 'Completed' : 'Due'}</th>
                  <th scope="col">Prescription</th>
                  <th scope="col">Sessions attended</th>
                  <th scope="col">
                    {canRecord && recordable ? 'Action' : 'Status'}
                  </th>
                </tr>
              </thead>
              <tbody>
                {followUps.data.map((f) => {
                  const name = personName(f.patient, 'Patient');
                  return (
                    <tr key={f.followUpId}>
                      <th scope="row">
                        <a href={href.patient(f.patientId)}>{name}</a>
                        {f.overdue && (
                          <>
                            {' '}
                            <Tag tone="red">Overdue</Tag>
                          </>
                        )}
                      </th>
                      <td>{shown === 'completed' ? formatInstantDate(f.completedAt) : formatDateTime(f.dueAt)}</td>
                      <td>
                        {f.prescription
                          ? `${formatDate(f.prescription.startDate, 'short')} to ${formatDate(f.prescription.endDate, 'short')} (${PRESCRIPTION_STATUS_LABELS[f.prescription.status].toLowerCase()})`
                          : '–'}
                      </td>
                      <td>{f.prescription?.sessionsAttended ?? '–'}</td>
                      <td>
                        {canRecord && recordable ? (
                          <button
                            type="button"
                            class="button button--secondary button--small"
                            onClick={() => {
                              setSaved(undefined);
                              setRecording(f);
                            }}
                          >
                            Record follow-up<VisuallyHidden> for {name}</VisuallyHidden>
                          </button>
                        ) : (
                          FOLLOW_UP_STATUS_LABELS[f.status]
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
      {recording && (
        <div class="panel" key={recording.followUpId}>
          <h2 class="heading-l" id="followup-form-heading" tabIndex={-1} ref={heading}>
            Follow-up for {personName(recording.patient, 'Patient')}
          </h2>
          {recording.status !== 'due' && (
            <p class="body">This follow-up is not due until {formatDateTime(recording.dueAt)}. Recording it now marks it as held early.</p>
          )}
          <AssessmentFormView
            withKind={false}
            initialKind="follow_up"
            onCancel={() => setRecording(undefined)}
            save={async (form) => {
              const { data, error, response } = await api.POST('/v1/followups/{followUpId}/complete', {
                params: { path: { followUpId: recording.followUpId } },
                body: { assessment: toAssessmentInput(form) },
              });
              if (!data) return problemsFromError(error, ASSESSMENT_FIELDS, 'assessment', `The follow-up was not saved (HTTP ${response.status}).`);
              const [sentence] = await Promise.all([changeSentence(api, recording.patientId), followUps.reload()]);
              setSaved(
                [`Follow-up recorded for ${personName(recording.patient, 'the patient')}. Their prescription is complete.`, sentence]
                  .filter(Boolean)
                  .join(' '),
              );
              setRecording(undefined);
              return undefined;
            }}
          />
        </div>
      )}
    </>
  );
}
