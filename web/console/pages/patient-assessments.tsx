import { useEffect, useRef, useState } from 'preact/hooks';
import { ASSESSMENT_FIELDS, ASSESSMENT_KIND_LABELS, ONS4_BAND_LABELS, savedAssessmentMessage, toCreateAssessment } from '../lib/assessment';
import { chronological, wellbeingChartData, wellbeingSummary } from '../lib/charts';
import { formatInstantDate } from '../lib/dates';
import { formatNumber } from '../lib/format';
import { problemsFromError } from '../lib/issues';
import type { Patient } from '../lib/types';
import { AssessmentFormView } from '../ui/assessment-form';
import { WellbeingChart } from '../ui/chart';
import { Button, ErrorNotice, Loading, Success } from '../ui/components';
import { must, useLoad, useServices } from '../ui/services';

export function AssessmentsSection(props: { patient: Patient; canChange: boolean; onChanged: () => Promise<void> }) {
  const { api } = useServices();
  const { patientId } = props.patient;
  const assessments = useLoad(
    async () => must(await api.GET('/v1/patients/{patientId}/assessments', { params: { path: { patientId } } })).items,
    [patientId],
  );
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open]);

  const ordered = assessments.state === 'ready' ? chronological(assessments.data) : [];

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
                  </tr>
                </thead>
                <tbody>
                  {ordered.map((a) => (
                    <tr key={a.assessmentId}>
                      <th scope="row">{formatInstantDate(a.recordedAt, 'short')}</th>
                      <td class="text">{ASSESSMENT_KIND_LABELS[a.kind]}</td>
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
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3 class="heading-m">Wellbeing over time</h3>
            <WellbeingChart data={wellbeingChartData(ordered)} summary={wellbeingSummary(ordered)} />
          </>
        ))}
      {props.canChange && !open && (
        <Button
          onClick={() => {
            setSaved(undefined);
            setOpen(true);
          }}
        >
          {props.patient.baselineAssessmentId ? 'Record an assessment' : 'Record baseline assessment'}
        </Button>
      )}
      {open && (
        <div class="panel">
          <h3 class="heading-m" id="assessment-form-heading" tabIndex={-1} ref={heading}>
            Record an assessment
          </h3>
          <AssessmentFormView
            withKind
            initialKind={props.patient.baselineAssessmentId ? 'follow_up' : 'baseline'}
            onCancel={() => setOpen(false)}
            save={async (form) => {
              const { data, error, response } = await api.POST('/v1/patients/{patientId}/assessments', {
                params: { path: { patientId } },
                body: toCreateAssessment(form),
              });
              if (!data) return problemsFromError(error, ASSESSMENT_FIELDS, '', `The assessment was not saved (HTTP ${response.status}).`);
              await Promise.all([assessments.reload(), props.onChanged()]);
              setOpen(false);
              setSaved(savedAssessmentMessage(data, (instant) => formatInstantDate(instant)));
              return undefined;
            }}
          />
        </div>
      )}
    </section>
  );
}
