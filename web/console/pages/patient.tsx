import { ageOn, formatDate, formatInstantDate } from '../lib/dates';
import { personName } from '../lib/format';
import { href } from '../lib/routes';
import { ErrorNotice, Loading, SummaryList } from '../ui/components';
import { must, useLoad, useServices, useTitle } from '../ui/services';
import { AssessmentsSection } from './patient-assessments';
import { CardSection } from './patient-card';
import { PrescriptionSection } from './patient-prescription';

/** One person: details, assessments and wellbeing chart, prescription, and card. */
export function PatientPage({ patientId }: { patientId: string }) {
  const { api, today, session } = useServices();
  const patient = useLoad(
    async () => must(await api.GET('/v1/patients/{patientId}', { params: { path: { patientId } } })),
    [patientId],
  );
  const name = patient.state === 'ready' ? personName(patient.data) : 'Patient';
  useTitle(name);
  const canChange = session.role === 'navigator' || session.role === 'admin';

  return (
    <>
      {session.role !== 'manager' && (
        <p class="back">
          <a href={href.caseload()} class="back-link">
            Back
          </a>
        </p>
      )}
      <h1 class="heading-xl">{name}</h1>
      {patient.state === 'loading' && <Loading what="Loading their record" />}
      {patient.state === 'error' && <ErrorNotice>{patient.error}</ErrorNotice>}
      {patient.state === 'ready' && (
        <>
          <section>
            <h2 class="heading-l" id="details-heading">
              Details
            </h2>
            <SummaryList
              rows={[
                {
                  key: 'Date of birth',
                  value: `${formatDate(patient.data.dateOfBirth)} (${ageOn(patient.data.dateOfBirth, today()) ?? '?'} years old)`,
                },
                { key: 'NHS number', value: patient.data.nhsNumber ? formatNhsNumber(patient.data.nhsNumber) : 'Not given' },
                { key: 'Postcode', value: patient.data.postcode ?? 'Not given' },
                { key: 'Phone', value: patient.data.phone ?? 'Not given' },
                { key: 'Email', value: patient.data.email ?? 'Not given' },
                { key: 'GP practice', value: patient.data.gpPractice ?? 'Not given' },
                { key: 'Referred', value: formatInstantDate(patient.data.createdAt) },
              ]}
            />
          </section>
          <PrescriptionSection patient={patient.data} canChange={canChange} onChanged={patient.reload} />
          <CardSection patient={patient.data} canChange={canChange} onChanged={patient.reload} />
          <AssessmentsSection patient={patient.data} canChange={canChange} onChanged={patient.reload} />
        </>
      )}
    </>
  );
}

/** 943 476 5919: NHS numbers are read in groups of 3, 3 and 4. */
function formatNhsNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length === 10 ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value;
}
