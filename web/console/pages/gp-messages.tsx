import { useEffect, useRef, useState } from 'preact/hooks';
import type { components } from '../../shared/openapi';
import { formatInstantDate } from '../lib/dates';
import { filenameFromContentDisposition } from '../lib/download';
import { personName } from '../lib/format';
import { href } from '../lib/routes';
import { Button, ErrorNotice, Loading, Radios, Success, Tag, TextField, VisuallyHidden } from '../ui/components';
import { ApiError, errorText, listAll, must, useLoad, useServices, useTitle } from '../ui/services';

type GpMessage = components['schemas']['GpMessage'];
type GpMessageDetail = components['schemas']['GpMessageDetail'];
type Status = GpMessage['status'];
type Channel = NonNullable<GpMessage['sentVia']>;

const TABS: { status: Status; label: string }[] = [
  { status: 'ready', label: 'Ready to send' },
  { status: 'sent', label: 'Sent' },
];
export const GP_MESSAGE_TRIGGER_LABELS: Record<GpMessage['trigger'], string> = {
  referral_declined: 'Referral declined',
  referral_closed: 'Referral closed',
  follow_up_completed: 'Prescription completed',
};
export const GP_MESSAGE_CHANNEL_LABELS: Record<Channel, string> = {
  mesh: 'NHS MESH',
  gp_connect: 'GP Connect (Send Document)',
  nhs_mail: 'NHSmail',
  post: 'Post',
  other: 'Another way',
};

/** Saves a downloaded file under its name (an object URL clicked as a download link). */
function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The GP outbox: summaries for patients' GP practices — preview the letter, download the FHIR document or the PDF, mark sent. */
export function GpMessages({ status, message }: { status?: string; message?: string }) {
  useTitle('GP outbox');
  const { api } = useServices();
  const shown: Status = status === 'sent' ? 'sent' : 'ready';
  const messages = useLoad(
    () => listAll(async (cursor) => must(await api.GET('/v1/gp-messages', { params: { query: { status: shown, limit: 100, ...(cursor ? { cursor } : {}) } } }))),
    [shown],
  );
  // A link from a patient's page opens its message; changing tabs closes whatever is open.
  const [open, setOpen] = useState<string | undefined>(message);
  const [saved, setSaved] = useState<string>();
  useEffect(() => setOpen(message), [shown, message]);

  return (
    <>
      <h1 class="heading-xl">GP outbox</h1>
      <p class="body">
        When a referral is declined or closed, or a prescription ends with its follow-up, a summary is prepared for the person’s GP practice — if they
        agreed to it and their practice’s ODS code is on their record. Send it to the practice, then mark it sent.
      </p>
      <nav class="tabs" aria-label="GP messages by status">
        <ul class="tabs__list">
          {TABS.map((tab) => (
            <li class="tabs__item" key={tab.status}>
              <a
                class={`tabs__link${tab.status === shown ? ' tabs__link--current' : ''}`}
                href={href.gpMessages(tab.status === 'ready' ? undefined : tab.status)}
                aria-current={tab.status === shown ? 'page' : undefined}
              >
                {tab.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2 class="heading-l">{shown === 'ready' ? 'Ready to send' : 'Sent'}</h2>
      {saved && <Success>{saved}</Success>}
      {messages.state === 'loading' && <Loading what="Loading GP messages" />}
      {messages.state === 'error' && <ErrorNotice>{messages.error}</ErrorNotice>}
      {messages.state === 'ready' &&
        (messages.data.length === 0 ? (
          <p class="body">{shown === 'ready' ? 'Nothing is waiting to be sent.' : 'Nothing has been sent yet.'}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Why</th>
                  <th scope="col">Practice</th>
                  <th scope="col">{shown === 'ready' ? 'Prepared' : 'Sent'}</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {messages.data.map((m) => {
                  const name = personName(m.patient, 'Patient');
                  return (
                    <tr key={m.messageId}>
                      <th scope="row">
                        <a href={href.patient(m.patientId)}>{name}</a>
                      </th>
                      <td>{GP_MESSAGE_TRIGGER_LABELS[m.trigger]}</td>
                      <td>{m.practiceCode}</td>
                      <td>
                        {shown === 'ready' ? (
                          formatInstantDate(m.preparedAt)
                        ) : (
                          <>
                            {formatInstantDate(m.sentAt)} {m.sentVia && <Tag tone="green">{GP_MESSAGE_CHANNEL_LABELS[m.sentVia]}</Tag>}
                          </>
                        )}
                      </td>
                      <td>
                        <button
                          type="button"
                          class="button button--secondary button--small"
                          aria-expanded={open === m.messageId}
                          onClick={() => {
                            setSaved(undefined);
                            setOpen(open === m.messageId ? undefined : m.messageId);
                          }}
                        >
                          {open === m.messageId ? 'Close' : 'Preview'}
                          <VisuallyHidden> the summary for {name}</VisuallyHidden>
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
      {open && (
        <MessagePreview
          key={open}
          messageId={open}
          onSent={(text) => {
            setOpen(undefined);
            setSaved(text);
            void messages.reload();
          }}
        />
      )}
    </>
  );
}

function MessagePreview({ messageId, onSent }: { messageId: string; onSent: (text: string) => void }) {
  const { api } = useServices();
  const message = useLoad(async () => must(await api.GET('/v1/gp-messages/{messageId}', { params: { path: { messageId } } })) as GpMessageDetail, [messageId]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [via, setVia] = useState<Channel | ''>('');
  const [reference, setReference] = useState('');
  const [viaError, setViaError] = useState<string>();

  const download = async (format: 'fhir' | 'pdf') => {
    setError(undefined);
    try {
      const result = await api.GET('/v1/gp-messages/{messageId}', { params: { path: { messageId }, query: { format } }, parseAs: 'blob' });
      if (!result.data) throw new ApiError(result.response.status, result.error);
      const fallback = `gp-summary-${messageId}.${format === 'pdf' ? 'pdf' : 'json'}`;
      saveBlob(result.data as unknown as Blob, filenameFromContentDisposition(result.response.headers.get('content-disposition'), fallback));
    } catch (caught) {
      setError(errorText(caught));
    }
  };

  const markSent = async () => {
    if (!via) {
      setViaError('Select how you sent it');
      return;
    }
    setViaError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.POST('/v1/gp-messages/{messageId}/sent', {
        params: { path: { messageId } },
        body: { via, ...(reference.trim() ? { reference: reference.trim() } : {}) },
      });
      must(result);
      onSent(`Marked as sent (${GP_MESSAGE_CHANNEL_LABELS[via]}).`);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="gp-message-heading">
      <h2 class="heading-l" id="gp-message-heading" ref={heading} tabIndex={-1}>
        The summary
      </h2>
      {message.state === 'loading' && <Loading what="Loading the summary" />}
      {message.state === 'error' && <ErrorNotice>{message.error}</ErrorNotice>}
      {message.state === 'ready' && (
        <>
          {/* The server builds this fragment and escapes every value in it; it has headings and paragraphs only. */}
          <div class="gp-letter-preview" dangerouslySetInnerHTML={{ __html: message.data.letterHtml }} />
          {error && <ErrorNotice>{error}</ErrorNotice>}
          <div class="button-group">
            <Button variant="secondary" onClick={() => download('pdf')}>
              Download PDF letter
            </Button>
            <Button variant="secondary" onClick={() => download('fhir')}>
              Download FHIR document
            </Button>
          </div>
          {message.data.status === 'ready' ? (
            <>
              <Radios
                id="sentVia"
                name="sentVia"
                legend="How did you send it?"
                legendClass="fieldset__legend--m"
                options={Object.entries(GP_MESSAGE_CHANNEL_LABELS).map(([value, label]) => ({ value, label }))}
                value={via}
                onValue={(value) => setVia(value as Channel)}
                {...(viaError ? { error: viaError } : {})}
              />
              <TextField id="sentReference" label="Reference (optional)" hint="A MESH message id or tracking number. No patient details." value={reference} onValue={setReference} width="20" />
              <Button disabled={busy} onClick={markSent}>
                Mark as sent
              </Button>
            </>
          ) : (
            <p class="body">
              Sent {formatInstantDate(message.data.sentAt)}
              {message.data.sentVia ? ` by ${GP_MESSAGE_CHANNEL_LABELS[message.data.sentVia]}` : ''}
              {message.data.sentReference ? ` (reference ${message.data.sentReference})` : ''}. This is exactly what was sent.
            </p>
          )}
        </>
      )}
    </section>
  );
}
