import { useEffect, useRef, useState } from 'preact/hooks';
import {
  AMENDMENT_FIELDS,
  ASSESSMENT_FIELDS,
  ASSESSMENT_KIND_LABELS,
  ONS4_BAND_LABELS,
  personWellbeingChange,
  savedAssessmentMessage,
  toAmendment,
  toCreateAssessment,
  wellbeingChangeSentence,
} from '../lib/assessment';
import { chronological, wellbeingChartData, wellbeingSummary } from '../lib/charts';
import { formatInstantDate } from '../lib/dates';
import { formatNumber } from '../lib/format';
import { problemsFromError } from '../lib/issues';
import type { Assessment, Patient } from '../lib/types';
import { AmendAssessmentFormView, AssessmentFormView } from '../ui/assessment-form';
import { WellbeingChart } from '../ui/chart';
import { Button, ErrorNotice, Loading, Success } from '../ui/components';
import { must, useLoad, useServices } from '../ui/services';
import { WellbeingChangeTable } from '../ui/wellbeing-change';

export function AssessmentsSection(props: { patient: Patient; canChange: boolean; onChanged: () => Promise<void> }) {
  const { api } = useServices();
  const { patientId } = props.patient;
  const assessments = useLoad(
    async () => must(await api.GET('/v1/patients/{patientId}/assessments', { params: { path: { patientId } } })).items,
    [patientId],
  );
  const [open, setOpen] = useState(false);
  const [correcting, setCorrecting] = useState<Assessment>();
  const [saved, setSaved] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  const correctionHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open]);
  useEffect(() => {
    if (correcting) correctionHeading.current?.focus();
  }, [correcting]);

  const ordered = assessments.state === 'ready' ? chronological(assessments.data) : [];
  const change = personWellbeingChange(ordered);
  // The record points at its latest baseline; saving an assessment reloads the record (onChanged), so this follows it.
  const hasBaseline = props.patient.baselineAssessmentId !== undefined;

  return (
    <section>
      <h2 class="heading-l" id="assessments-heading">
        Assessments
      </h2>
      {saved && <Success>{saved}</Success>}
      {assessments.state === 'loading' && <Loading what="Loading assessments" />}
      {assessments.state === 'error' && <ErrorNotice>{assessments.error}</ErrorNotice>}
      {assessments.state === 'ready' &&
        (ordered.length === 0 ? (
          <p class="body">No assessments recorded yet. Record a baseline before the prescription starts, so wellbeing change can be measured.</p>
        ) : (
          <>
            <div class="table-wrap">
              <table class="table table--numbers">
                <caption class="table__caption">Wellbeing scores, oldest first. For anxiety, a lower score is better.</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col" class="text">Type</th>
                    <th scope="col">Life satisfaction</th>
                    <th scope="col">Worthwhile</th>
                    <th scope="col">Happiness</th>
                    <th scope="col">Anxiety</th>
                    <th scope="col">SWEMWBS (metric)</th>
                    <th scope="col">Active days</th>
                    <th scope="col">Self-care confidence</th>
                    {props.canChange && (
                      <th scope="col" class="text">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {ordered.map((a) => (
                    <tr key={a.assessmentId}>
                      <th scope="row">{formatInstantDate(a.recordedAt, 'short')}</th>
                      <td class="text">
                        {ASSESSMENT_KIND_LABELS[a.kind]}
                        {a.revision !== undefined && (
                          <span class="secondary-text"> (corrected {a.revision === 1 ? 'once' : `${a.revision} times`})</span>
                        )}
                      </td>
                      <td>
                        {a.ons4.satisfied} <span class="secondary-text">({ONS4_BAND_LABELS[a.ons4Bands.satisfied]})</span>
                      </td>
                      <td>
                        {a.ons4.worthwhile} <span class="secondary-text">({ONS4_BAND_LABELS[a.ons4Bands.worthwhile]})</span>
                      </td>
                      <td>
                        {a.ons4.happy} <span class="secondary-text">({ONS4_BAND_LABELS[a.ons4Bands.happy]})</span>
                      </td>
                      <td>
                        {a.ons4.anxious} <span class="secondary-text">({ONS4_BAND_LABELS[a.ons4Bands.anxious]})</span>
                      </td>
                      <td>{a.swemwbs ? formatNumber(a.swemwbs.metricScore, 2) : '–'}</td>
                      <td>{a.activeDays ?? '–'}</td>
                      <td>{a.selfCareConfidence ?? '–'}</td>
                      {props.canChange && (
                        <td class="text">
                          <Button
                            variant="secondary"
                            onClick={() => {
                              setSaved(undefined);
                              setOpen(false);
                              setCorrecting(a);
                            }}
                          >
                            Correct<span class="visually-hidden"> the {ASSESSMENT_KIND_LABELS[a.kind].toLowerCase()} of {formatInstantDate(a.recordedAt, 'short')}</span>
                          </Button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {change && (
              <>
                <h3 class="heading-m">Change since baseline</h3>
                <WellbeingChangeTable change={change} />
              </>
            )}
            <h3 class="heading-m">Wellbeing over time</h3>
            <WellbeingChart data={wellbeingChartData(ordered)} summary={wellbeingSummary(ordered)} />
          </>
        ))}
      {correcting && (
        <div class="panel">
          <h3 class="heading-m" id="amend-form-heading" tabIndex={-1} ref={correctionHeading}>
            Correct the {ASSESSMENT_KIND_LABELS[correcting.kind].toLowerCase()} of {formatInstantDate(correcting.recordedAt, 'short')}
          </h3>
          <AmendAssessmentFormView
            key={correcting.assessmentId}
            assessment={correcting}
            onCancel={() => setCorrecting(undefined)}
            save={async (form) => {
              const { data, error, response } = await api.POST('/v1/patients/{patientId}/assessments/{assessmentId}/amendments', {
                params: { path: { patientId, assessmentId: correcting.assessmentId } },
                body: toAmendment(form),
              });
              if (!data) return problemsFromError(error, AMENDMENT_FIELDS, '', `The correction was not saved (HTTP ${response.status}).`);
              await Promise.all([assessments.reload(), props.onChanged()]);
              setCorrecting(undefined);
              setSaved('Assessment corrected. The answers it replaced are kept with the reason you gave.');
              return undefined;
            }}
          />
        </div>
      )}
      {props.canChange && !open && !correcting && (
        <Button
          onClick={() => {
            setSaved(undefined);
            setOpen(true);
          }}
        >
          {hasBaseline ? 'Record an assessment' : 'Record baseline assessment'}
        </Button>
      )}
      {open && (
        <div class="panel">
          <h3 class="heading-m" id="assessment-form-heading" tabIndex={-1} ref={heading}>
            Record an assessment
          </h3>
          <AssessmentFormView
            withKind
            initialKind={hasBaseline ? 'follow_up' : 'baseline'}
            onCancel={() => setOpen(false)}
            save={async (form) => {
              const { data, error, response } = await api.POST('/v1/patients/{patientId}/assessments', {
                params: { path: { patientId } },
                body: toCreateAssessment(form),
              });
              if (!data) return problemsFromError(error, ASSESSMENT_FIELDS, '', `The assessment was not saved (HTTP ${response.status}).`);
              await Promise.all([assessments.reload(), props.onChanged()]);
              setOpen(false);
              const sentence = data.kind === 'follow_up' ? await changeSentence(api, patientId) : undefined;
              setSaved([savedAssessmentMessage(data, (instant) => formatInstantDate(instant)), sentence].filter(Boolean).join(' '));
              return undefined;
            }}
          />
        </div>
      )}
    </section>
  );
}

/** The follow-up's confirmation line: how the person's SWEMWBS changed since their baseline. */
export async function changeSentence(api: ReturnType<typeof useServices>['api'], patientId: string): Promise<string | undefined> {
  const { data } = await api.GET('/v1/patients/{patientId}/assessments', { params: { path: { patientId } } });
  return data ? wellbeingChangeSentence(personWellbeingChange(data.items)) : undefined;
}
