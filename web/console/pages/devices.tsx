import { Fragment } from 'preact';
import { toString as qrToString } from 'qrcode';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  DEVICE_FIELDS,
  ENROLMENT_TRIES,
  codeGroups,
  deviceCount,
  deviceStatusView,
  endedText,
  expiryText,
  mayRevoke,
  mergeDevices,
  revokeQuestion,
  revokedMessage,
  spelledCode,
  toCreateDevice,
  validateDeviceName,
  whenOrNot,
  withoutCode,
  type Device,
  type DeviceEnrolment,
} from '../lib/devices';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import { href } from '../lib/routes';
import { Button, ErrorNotice, ErrorSummary, Loading, Success, Tag, TextField } from '../ui/components';
import { ApiError, errorText, must, useLoad, useServices, useTitle } from '../ui/services';

/** Devices a page of the list holds; a provider rarely has more than a few. */
const PAGE_SIZE = 50;

type DeviceList =
  | { state: 'loading' }
  | { state: 'error'; error: string }
  | { state: 'ready'; items: Device[]; nextCursor?: string; loadingMore: boolean; moreError?: string };

/**
 * A provider's scanning devices: enrol one (a QR code and a typed code, each working once), see
 * which are enrolled and when each was last seen, and revoke one that is lost or no longer used.
 * Managers and admins change them; anyone else the console lets in sees the list.
 */
export function Devices({ providerId }: { providerId: string }) {
  const { api, session, now } = useServices();
  const canChange = session.role === 'manager' || session.role === 'admin';
  const provider = useLoad(async () => must(await api.GET('/v1/providers/{providerId}', { params: { path: { providerId } } })), [providerId]);
  const providerName = provider.state === 'ready' ? provider.data.name : undefined;
  useTitle(providerName ? `Devices for ${providerName}` : 'Devices');

  const [list, setList] = useState<DeviceList>({ state: 'loading' });
  const [enrolment, setEnrolment] = useState<DeviceEnrolment>();
  const [confirming, setConfirming] = useState<Device>();
  const [revoking, setRevoking] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();

  const page = async (cursor?: string) =>
    must(await api.GET('/v1/providers/{providerId}/devices', { params: { path: { providerId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } }));

  useEffect(() => {
    let live = true;
    setList({ state: 'loading' });
    page().then(
      (first) => live && setList({ state: 'ready', items: mergeDevices([], first.items), nextCursor: first.nextCursor, loadingMore: false }),
      (error: unknown) => live && setList({ state: 'error', error: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [providerId]);

  /** Puts devices the API answered with into the list (its index may not show them yet). */
  const keep = (devices: Device[]) => setList((current) => (current.state === 'ready' ? { ...current, items: mergeDevices(current.items, devices) } : current));

  const more = async () => {
    if (list.state !== 'ready' || !list.nextCursor) return;
    const cursor = list.nextCursor;
    setList({ ...list, loadingMore: true, moreError: undefined });
    try {
      const next = await page(cursor);
      setList((current) =>
        current.state === 'ready' ? { state: 'ready', items: mergeDevices(current.items, next.items), nextCursor: next.nextCursor, loadingMore: false } : current,
      );
    } catch (error) {
      setList((current) => (current.state === 'ready' ? { ...current, loadingMore: false, moreError: errorText(error) } : current));
    }
  };

  const askToRevoke = (device: Device) => {
    setNotice(undefined);
    setFailure(undefined);
    setConfirming(device);
  };

  const cancelRevoke = () => {
    const device = confirming;
    setConfirming(undefined);
    if (device) requestAnimationFrame(() => document.getElementById(revokeButtonId(device))?.focus());
  };

  const revoke = async () => {
    if (!confirming) return;
    const device = confirming;
    setRevoking(true);
    setFailure(undefined);
    try {
      const revoked = must(await api.POST('/v1/devices/{deviceId}/revoke', { params: { path: { deviceId: device.deviceId } } }));
      keep([revoked]);
      if (enrolment?.deviceId === revoked.deviceId) setEnrolment(undefined);
      setNotice(revokedMessage(revoked, device.status));
    } catch (caught) {
      setFailure(
        caught instanceof ApiError && caught.status === 404
          ? `${device.name} was not found. Someone may have changed this list: reload the page.`
          : `${device.name} was not revoked. ${errorText(caught)}`,
      );
    } finally {
      setRevoking(false);
      setConfirming(undefined);
    }
  };

  return (
    <>
      <p class="back">
        <a href={href.provider(providerId)} class="back-link">
          Back<span class="visually-hidden"> to {providerName ?? 'the provider'}</span>
        </a>
      </p>
      <h1 class="heading-xl">{providerName ? `Devices for ${providerName}` : 'Devices'}</h1>
      {provider.state === 'loading' && <Loading what="Loading the provider" />}
      {provider.state === 'error' && <ErrorNotice>{provider.error}</ErrorNotice>}
      {provider.state === 'ready' && (
        <>
          <p class="body">
            The phones and tablets that scan cards at this provider’s sessions. Each is enrolled once, with a code from this page, and keeps working until it is
            revoked. {canChange ? 'Revoke a device that is lost, stolen or no longer used.' : 'Only managers and admins can enrol or revoke devices.'}
          </p>
          {notice && <Success>{notice}</Success>}
          {failure && <ErrorNotice>{failure}</ErrorNotice>}
          {canChange && enrolment && (
            <EnrolmentCode
              enrolment={enrolment}
              now={now()}
              onDone={() => {
                setEnrolment(undefined);
                // The button goes with the code: focus moves on to the form, the likely next step.
                requestAnimationFrame(() => document.getElementById('deviceName')?.focus());
              }}
            />
          )}
          {canChange && (
            <EnrolForm
              providerId={providerId}
              onEnrolled={(created) => {
                setNotice(undefined);
                setFailure(undefined);
                setConfirming(undefined);
                keep([withoutCode(created)]);
                setEnrolment(created);
              }}
            />
          )}
          <section aria-labelledby="devices-heading">
            <h2 class="heading-l" id="devices-heading">
              Devices
            </h2>
            {confirming && <RevokeConfirmation device={confirming} busy={revoking} onConfirm={revoke} onCancel={cancelRevoke} />}
            {list.state === 'loading' && <Loading what="Loading devices" />}
            {list.state === 'error' && <ErrorNotice>{list.error}</ErrorNotice>}
            {list.state === 'ready' && (
              <>
                {list.items.length === 0 ? (
                  <p class="body">No devices yet.{canChange ? ' Enrol one above.' : ''}</p>
                ) : (
                  <DeviceTable devices={list.items} now={now()} canChange={canChange} confirming={confirming} onRevoke={askToRevoke} />
                )}
                {list.moreError && <ErrorNotice>{list.moreError}</ErrorNotice>}
                {list.nextCursor && (
                  <div class="button-group">
                    <Button variant="secondary" disabled={list.loadingMore} onClick={more}>
                      More<span class="visually-hidden"> devices</span>
                    </Button>
                  </div>
                )}
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}

const revokeButtonId = (device: Pick<Device, 'deviceId'>) => `revoke-${device.deviceId}`;

function DeviceTable(props: { devices: Device[]; now: Date; canChange: boolean; confirming?: Device; onRevoke: (device: Device) => void }) {
  return (
    <div class="table-wrap devices-table-wrap">
      <table class="table devices-table">
        <caption class="table__caption">{deviceCount(props.devices.length)}</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Status</th>
            <th scope="col">Enrolled</th>
            <th scope="col">
              Last seen <span class="devices-table__note">(updated at most hourly)</span>
            </th>
            <th scope="col">Why it stopped</th>
            {props.canChange && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {props.devices.map((device) => {
            const status = deviceStatusView(device.status);
            return (
              <tr key={device.deviceId} data-device-id={device.deviceId}>
                <th scope="row">{device.name}</th>
                <td>
                  <Tag tone={status.tone}>{status.label}</Tag>
                  {device.status === 'pending' && device.enrolmentExpiresAt && (
                    <span class="devices-table__note devices-table__note--block">Its code works until {expiryText(device.enrolmentExpiresAt, props.now)}.</span>
                  )}
                </td>
                <td>{whenOrNot(device.enrolledAt, device.status === 'pending' ? 'Not yet' : '–')}</td>
                <td>{whenOrNot(device.lastSeenAt, device.enrolledAt ? 'Not yet' : '–')}</td>
                <td>{endedText(device) || '–'}</td>
                {props.canChange && (
                  <td>
                    {mayRevoke(device) && (
                      <button
                        type="button"
                        id={revokeButtonId(device)}
                        class="button button--secondary button--small"
                        aria-expanded={props.confirming?.deviceId === device.deviceId ? 'true' : 'false'}
                        aria-controls="revoke-confirmation"
                        onClick={() => props.onRevoke(device)}
                      >
                        Revoke<span class="visually-hidden"> {device.name}</span>
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RevokeConfirmation(props: { device: Device; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const question = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    question.current?.focus();
  }, [props.device.deviceId]);
  return (
    <div class="warning-panel revoke-confirmation" id="revoke-confirmation" role="group" aria-labelledby="revoke-question">
      <h3 class="heading-m" id="revoke-question" tabIndex={-1} ref={question}>
        {revokeQuestion(props.device)}
      </h3>
      <p class="body">It cannot be undone: to use the device again, enrol it again with a new code.</p>
      <div class="button-group">
        <Button variant="warning" disabled={props.busy} onClick={props.onConfirm}>
          Yes, revoke<span class="visually-hidden"> {props.device.name}</span>
        </Button>
        <Button variant="secondary" disabled={props.busy} onClick={props.onCancel}>
          No, keep it
        </Button>
      </div>
    </div>
  );
}

function EnrolForm(props: { providerId: string; onEnrolled: (enrolment: DeviceEnrolment) => void }) {
  const { api } = useServices();
  const [name, setName] = useState('');
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateDeviceName(name);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    try {
      const { data, error, response } = await api.POST('/v1/providers/{providerId}/devices', {
        params: { path: { providerId: props.providerId } },
        body: toCreateDevice(name),
      });
      if (!data) {
        const fallback = response.status === 404 ? 'This provider was not found. It may have been removed.' : `The device was not enrolled (HTTP ${response.status}).`;
        setProblems(problemsFromError(error, DEVICE_FIELDS, '', fallback));
        return;
      }
      setName('');
      props.onEnrolled(data);
    } catch (caught) {
      setProblems({ fields: {}, general: [`The device was not enrolled. ${errorText(caught)}`] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="enrol-heading">
      <h2 class="heading-l" id="enrol-heading">
        Enrol a device
      </h2>
      <p class="body">You get a code for the device to scan or type. It works once, for 24 hours.</p>
      <ErrorSummary problems={problems} order={['deviceName']} />
      <form onSubmit={submit} noValidate class="form">
        <TextField
          id="deviceName"
          label="Device name"
          hint="So staff can tell it from this provider’s other devices, for example Village hall tablet"
          value={name}
          onValue={setName}
          error={problems.fields.deviceName}
          autocomplete="off"
          width="20"
        />
        <Button type="submit" disabled={busy}>
          Get an enrolment code
        </Button>
      </form>
    </section>
  );
}

/**
 * The one-time code, shown once: a QR code of the enrolment link for a device with a camera, and
 * the short code to type on one without. Neither is shown again after this page.
 */
function EnrolmentCode(props: { enrolment: DeviceEnrolment; now: Date; onDone: () => void }) {
  const { enrolment } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  const [qr, setQr] = useState<string>();
  const [qrFailed, setQrFailed] = useState(false);

  useEffect(() => {
    let live = true;
    setQr(undefined);
    setQrFailed(false);
    // A quiet zone of four modules, black on white: what phone cameras read most easily.
    qrToString(enrolment.enrolmentUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } }).then(
      (svg) => live && setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setQrFailed(true),
    );
    return () => {
      live = false;
    };
  }, [enrolment.enrolmentUrl]);

  useEffect(() => {
    heading.current?.focus();
  }, [enrolment.deviceId]);

  return (
    <section class="enrolment panel" aria-labelledby="enrolment-heading" data-testid="enrolment">
      <h2 class="heading-l" id="enrolment-heading" tabIndex={-1} ref={heading}>
        Enrol {enrolment.name}
      </h2>
      <p class="body">
        The code works once, until <strong>{expiryText(enrolment.expiresAt, props.now)}</strong>. If it is typed wrongly {ENROLMENT_TRIES} times it stops working, and
        you will need a new one.
      </p>
      <div class="enrolment__ways">
        <div class="enrolment__way">
          <h3 class="heading-m">On a device with a camera</h3>
          <p class="body">Open the Waymark scanner on the device, choose “Scan the QR code” and point its camera at this code.</p>
          {qr ? (
            <img class="enrolment__qr" data-testid="enrolment-qr" src={qr} alt={`QR code to enrol ${enrolment.name}`} width={288} height={288} />
          ) : qrFailed ? (
            <p class="body">The QR code could not be drawn. Type the code instead.</p>
          ) : (
            <div class="enrolment__qr" aria-hidden="true" />
          )}
        </div>
        <div class="enrolment__way">
          <h3 class="heading-m">On a device without a camera</h3>
          <p class="body">In the Waymark scanner, choose “Type the code” and type this. Capital or small letters, with or without the dashes.</p>
          <p class="enrolment__code">
            {/* Shown in groups that never break apart; a screen reader hears it one character at a time. */}
            <span data-testid="enrolment-code" aria-hidden="true">
              {codeGroups(enrolment.enrolmentCode).map((group, index, groups) => (
                <Fragment key={index}>
                  <span class="enrolment__group">
                    {group}
                    {index < groups.length - 1 ? '-' : ''}
                  </span>
                  {index < groups.length - 1 && <wbr />}
                </Fragment>
              ))}
            </span>
            <span class="visually-hidden">The code is {spelledCode(enrolment.enrolmentCode)}</span>
          </p>
        </div>
      </div>
      <div class="warning-text">
        <span class="warning-text__icon" aria-hidden="true">
          !
        </span>
        <p class="warning-text__text">
          <span class="visually-hidden">Warning: </span>
          Keep the code private: anyone who uses it first gets a scanner for this provider. It is not shown again once you leave this page; if it is lost, revoke
          this device and enrol it again.
        </p>
      </div>
      <div class="button-group">
        <Button variant="secondary" onClick={props.onDone}>
          Hide the code
        </Button>
      </div>
    </section>
  );
}
