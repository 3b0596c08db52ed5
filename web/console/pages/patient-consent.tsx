import { useState } from 'preact/hooks';
import { consentRows, consentSavedMessage, type ConsentPurpose } from '../lib/consent';
import type { Patient } from '../lib/types';
import { Button, ErrorNotice, Success, Tag } from '../ui/components';
import { errorText, must, useServices } from '../ui/services';

/** The patient's consent decisions: shown to everyone who may see the record, recorded by their navigator or an admin. */
export function ConsentSection(props: { patient: Patient; canChange: boolean; onChanged: () => Promise<void> }) {
  const { api, session } = useServices();
  const { patientId } = props.patient;
  const [busy, setBusy] = useState<ConsentPurpose>();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<string>();

  const record = async (purpose: ConsentPurpose, given: boolean) => {
    setBusy(purpose);
    setSaved(undefined);
    setError(undefined);
    try {
      must(await api.PUT('/v1/patients/{patientId}/consents/{purpose}', { params: { path: { patientId, purpose } }, body: { given } }));
      await props.onChanged();
      setSaved(consentSavedMessage(purpose, given));
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section>
      <h2 class="heading-l" id="consent-heading" tabIndex={-1}>
        Consent
      </h2>
      {saved && <Success>{saved}</Success>}
      {error && <ErrorNotice>{error}</ErrorNotice>}
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Consent decisions, with when and by whom they were recorded</caption>
          <thead>
            <tr>
              <th scope="col">They agree to</th>
              <th scope="col">Decision</th>
              <th scope="col">Recorded</th>
              {props.canChange && <th scope="col">Record a decision</th>}
            </tr>
          </thead>
          <tbody>
            {consentRows(props.patient.consents, session.sub).map((row) => (
              <tr key={row.purpose}>
                <th scope="row">
                  {row.label}
                  <p class="hint">{row.hint}</p>
                </th>
                <td>
                  <Tag tone={row.given === undefined ? 'grey' : row.given ? 'green' : 'red'}>{row.answer}</Tag>
                </td>
                <td>{row.recorded}</td>
                {props.canChange && (
                  <td>
                    <div class="button-group" role="group" aria-label={row.label}>
                      <Button variant="secondary" disabled={busy !== undefined || row.given === true} onClick={() => record(row.purpose, true)}>
                        Yes
                      </Button>
                      <Button variant="secondary" disabled={busy !== undefined || row.given === false} onClick={() => record(row.purpose, false)}>
                        No
                      </Button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
