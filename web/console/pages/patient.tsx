import { useState } from 'preact/hooks';
import { ageOn, formatDate, formatInstantDate } from '../lib/dates';
import { formatPhone, personName } from '../lib/format';
import { href } from '../lib/routes';
import { demographicRows } from '../lib/demographics';
import { PREFERRED_CONTACTS } from '../lib/patient-edit';
import { Button, ErrorNotice, Loading, Success, SummaryList } from '../ui/components';
import { EditDetailsForm } from './patient-details-form';
import { must, useLoad, useServices, useTitle } from '../ui/services';
import { AssessmentsSection } from './patient-assessments';
import { CardSection } from './patient-card';
import { ConsentSection } from './patient-consent';
import { PrescriptionSection } from './patient-prescription';
import { EpisodesSection, TimelineSection } from './patient-record';

/** One person: details (and editing them), referrals, prescription, card, assessments and wellbeing chart, and the timeline. */
export function PatientPage({ patientId }: { patientId: string }) {
  const { api, today, session } = useServices();
  const patient = useLoad(
    async () => must(await api.GET('/v1/patients/{patientId}', { params: { path: { patientId } } })),
    [patientId],
  );
  const name = patient.state === 'ready' ? personName(patient.data) : 'Patient';
  useTitle(name);
  const canChange = session.role === 'navigator' || session.role === 'admin';
  // Bumped by every change, so the referrals and the timeline read again.
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [detailsSaved, setDetailsSaved] = useState<string>();
  const changed = async () => {
    setVersion((v) => v + 1);
    await patient.reload();
  };

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
            <h2 class="heading-l" id="details-heading" tabIndex={-1}>
              Details
            </h2>
            {detailsSaved && <Success>{detailsSaved}</Success>}
            {editing ? (
              <EditDetailsForm
                patient={patient.data}
                onCancel={() => setEditing(false)}
                onSaved={async (message) => {
                  setDetailsSaved(undefined);
                  await changed();
                  setEditing(false);
                  setDetailsSaved(message);
                }}
              />
            ) : (
              <>
                <SummaryList
                  rows={[
                    {
                      key: 'Date of birth',
                      value: `${formatDate(patient.data.dateOfBirth)} (${ageOn(patient.data.dateOfBirth, today()) ?? '?'} years old)`,
                    },
                    { key: 'NHS number', value: patient.data.nhsNumber ? formatNhsNumber(patient.data.nhsNumber) : 'Not given' },
                    { key: 'Postcode', value: patient.data.postcode ?? 'Not given' },
                    { key: 'Phone', value: formatPhone(patient.data.phone) ?? 'Not given' },
                    { key: 'Email', value: patient.data.email ?? 'Not given' },
                    { key: 'GP practice', value: patient.data.gpPractice ?? 'Not given' },
                    {
                      key: 'Preferred contact',
                      value: PREFERRED_CONTACTS.find((c) => c.value === patient.data.preferredContact)?.label ?? 'Not given',
                    },
                    ...demographicRows(patient.data),
                    { key: 'Referred', value: formatInstantDate(patient.data.createdAt) },
                  ]}
                />
                {canChange && (
                  <div class="button-group">
                    <Button
                      variant="secondary"
                      onClick={() => {
                        setDetailsSaved(undefined);
                        setEditing(true);
                      }}
                    >
                      Edit details
                    </Button>
                  </div>
                )}
              </>
            )}
          </section>
          <ConsentSection patient={patient.data} canChange={canChange} onChanged={changed} />
          <EpisodesSection patient={patient.data} canChange={canChange} version={version} onChanged={changed} />
          <PrescriptionSection patient={patient.data} canChange={canChange} version={version} onChanged={changed} />
          <CardSection patient={patient.data} canChange={canChange} onChanged={changed} />
          <AssessmentsSection patient={patient.data} canChange={canChange} onChanged={changed} />
          <TimelineSection patient={patient.data} canChange={canChange} version={version} onChanged={changed} />
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
