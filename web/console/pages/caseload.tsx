import { formatDate } from '../lib/dates';
import { PRESCRIPTION_STATUS_LABELS, personName } from '../lib/format';
import { href } from '../lib/routes';
import type { Patient, Prescription } from '../lib/types';
import { ErrorNotice, Loading, Tag } from '../ui/components';
import { listAll, must, useLoad, useServices, useTitle } from '../ui/services';

interface Row {
  patient: Patient;
  prescription?: Prescription;
}

export function prescriptionSummary(prescription: Prescription | undefined): string {
  if (!prescription) return 'None';
  const status = PRESCRIPTION_STATUS_LABELS[prescription.status];
  if (prescription.currentWeek !== undefined) return `${status}: week ${prescription.currentWeek} of ${prescription.weeks}`;
  return `${status}: ${formatDate(prescription.startDate, 'short')} to ${formatDate(prescription.endDate, 'short')}`;
}

export function Caseload() {
  useTitle('Caseload');
  const { api, session } = useServices();
  const caseload = useLoad(async (): Promise<Row[]> => {
    const patients = await listAll(async (cursor) =>
      must(await api.GET('/v1/patients', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
    );
    // Each current prescription, for its week and status (a caseload is tens of people).
    return Promise.all(
      patients.map(async (patient) => {
        if (!patient.currentPrescriptionId) return { patient };
        const { data } = await api.GET('/v1/prescriptions/{prescriptionId}', {
          params: { path: { prescriptionId: patient.currentPrescriptionId } },
        });
        return data ? { patient, prescription: data } : { patient };
      }),
    );
  }, [session.token]);

  return (
    <>
      <h1 class="heading-xl">Caseload</h1>
      <p class="body">
        {session.role === 'navigator' ? 'People in your caseload.' : 'Everyone referred to the scheme.'}
      </p>
      {caseload.state === 'loading' && <Loading what="Loading the caseload" />}
      {caseload.state === 'error' && <ErrorNotice>{caseload.error}</ErrorNotice>}
      {caseload.state === 'ready' &&
        (caseload.data.length === 0 ? (
          <p class="body">There is nobody in the caseload yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="table__caption">
                {caseload.data.length} {caseload.data.length === 1 ? 'person' : 'people'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Date of birth</th>
                  <th scope="col">Current prescription</th>
                  <th scope="col">Card</th>
                </tr>
              </thead>
              <tbody>
                {caseload.data.map(({ patient, prescription }) => (
                  <tr key={patient.patientId}>
                    <th scope="row">
                      <a href={href.patient(patient.patientId)}>{personName(patient)}</a>
                    </th>
                    <td>{formatDate(patient.dateOfBirth, 'short')}</td>
                    <td>
                      {prescription ? (
                        <>
                          {prescriptionSummary(prescription)}
                          <br />
                          <span class="secondary-text">{prescription.sessionsAttended} sessions attended</span>
                        </>
                      ) : (
                        'None'
                      )}
                    </td>
                    <td>{patient.activeCardId ? <span class="code">{patient.activeCardId}</span> : <Tag tone="grey">No card</Tag>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}
