import { toString as qrToString } from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { CARD_FIELDS, activeCard, cardNumberFontPt, cardNumberProblem, issueConflictMessage, normaliseCardNumber } from '../lib/card';
import { formatInstantDate } from '../lib/dates';
import { REVOKE_REASONS } from '../lib/format';
import { noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import type { Card, Patient, RevokeReason } from '../lib/types';
import { Button, ErrorNotice, ErrorSummary, Loading, SelectField, Success, Tag, TextField } from '../ui/components';
import { ApiError, must, useLoad, useServices } from '../ui/services';

export function CardSection(props: { patient: Patient; canChange: boolean; onChanged: () => Promise<void> }) {
  const { api } = useServices();
  const { patientId } = props.patient;
  const cards = useLoad(
    async () => must(await api.GET('/v1/patients/{patientId}/cards', { params: { path: { patientId } } })).items,
    [patientId],
  );
  const [saved, setSaved] = useState<string>();
  const active = cards.state === 'ready' ? activeCard(cards.data) : undefined;

  const changed = async (message: string) => {
    await Promise.all([cards.reload(), props.onChanged()]);
    setSaved(message);
  };

  return (
    <section>
      <h2 class="heading-l" id="card-heading">
        Card
      </h2>
      {saved && <Success>{saved}</Success>}
      {cards.state === 'loading' && <Loading what="Loading cards" />}
      {cards.state === 'error' && <ErrorNotice>{cards.error}</ErrorNotice>}
      {cards.state === 'ready' && (
        <>
          {active ? (
            <>
              <p class="body">
                Active card: <span class="code">{active.cardId}</span>, issued {formatInstantDate(active.issuedAt)}. Providers scan it at each
                session.
              </p>
              <PrintableCard cardId={active.cardId} />
              <div class="button-group">
                <Button variant="secondary" onClick={() => window.print()}>
                  Print card
                </Button>
              </div>
              {props.canChange && <RevokeForm card={active} onRevoked={(card) => changed(`Card ${card.cardId} revoked. Issue a replacement below if they need one.`)} />}
            </>
          ) : (
            <>
              <p class="body">No active card.</p>
              {props.canChange && <IssueForm patientId={patientId} onIssued={(card) => changed(`Card ${card.cardId} issued.`)} />}
            </>
          )}
          {cards.data.length > 0 && (
            <details class="details">
              <summary class="details__summary">Card history ({cards.data.length})</summary>
              <div class="table-wrap">
<table class="table">
                <thead>
                  <tr>
                    <th scope="col">Card number</th>
                    <th scope="col">Issued</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {cards.data.map((card) => (
                    <tr key={card.issueId}>
                      <th scope="row" class="code">
                        {card.cardId}
                      </th>
                      <td>{formatInstantDate(card.issuedAt, 'short')}</td>
                      <td>
                        {card.status === 'active' ? (
                          <Tag tone="green">Active</Tag>
                        ) : (
                          `Revoked ${formatInstantDate(card.revokedAt, 'short')}${card.revokeReason ? ` (${REVOKE_REASONS.find((r) => r.value === card.revokeReason)?.label.toLowerCase()})` : ''}`
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
</div>
            </details>
          )}
        </>
      )}
    </section>
  );
}

/**
 * The card as printed: the Waymark name, a QR code of exactly the card number, and the number
 * in large type. Nothing about the person is on it. The print stylesheet prints only this.
 */
function PrintableCard({ cardId }: { cardId: string }) {
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    let live = true;
    qrToString(cardId, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }).then(
      (svg) => live && setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setQr(undefined),
    );
    return () => {
      live = false;
    };
  }, [cardId]);
  return (
    <figure class="print-card">
      <div class="card-face">
        <p class="card-face__brand">Waymark</p>
        {qr ? <img class="card-face__qr" src={qr} alt={`QR code of the card number ${cardId}`} width={140} height={140} /> : <div class="card-face__qr" />}
        <p class="card-face__number" style={{ fontSize: `${cardNumberFontPt(cardId)}pt` }}>
          {cardId}
        </p>
        <p class="card-face__note">Show this card when you arrive at an activity.</p>
      </div>
    </figure>
  );
}

function IssueForm(props: { patientId: string; onIssued: (card: Card) => Promise<void> }) {
  const { api } = useServices();
  const [number, setNumber] = useState('');
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = cardNumberProblem(number);
    if (problem) {
      setProblems({ fields: { cardNumber: problem }, general: [] });
      return;
    }
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/cards', {
      body: { cardId: normaliseCardNumber(number), patientId: props.patientId },
    });
    if (!data) {
      setBusy(false);
      if (response.status === 409) {
        const failure = new ApiError(409, error);
        setProblems({ fields: { cardNumber: issueConflictMessage(failure.code, failure.message) }, general: [] });
      } else {
        setProblems(problemsFromError(error, CARD_FIELDS, '', `The card was not issued (HTTP ${response.status}).`));
      }
      return;
    }
    await props.onIssued(data);
  };

  return (
    <form onSubmit={submit} noValidate class="form inline-form">
      <ErrorSummary problems={problems} order={['cardNumber']} />
      <TextField
        id="cardNumber"
        label="Card number"
        hint="The number printed on the card, or scan its QR code into this box: 8 to 32 letters, numbers and hyphens"
        value={number}
        onValue={setNumber}
        error={problems.fields.cardNumber}
        autocomplete="off"
        spellcheck={false}
        width="20"
      />
      <Button type="submit" disabled={busy}>
        Issue card
      </Button>
    </form>
  );
}

function RevokeForm(props: { card: Card; onRevoked: (card: Card) => Promise<void> }) {
  const { api } = useServices();
  const [reason, setReason] = useState<RevokeReason | ''>('');
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!reason) {
      setProblems({ fields: { revokeReason: 'Select why the card is being revoked' }, general: [] });
      return;
    }
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/cards/{cardId}/revoke', {
      params: { path: { cardId: props.card.cardId } },
      body: { reason },
    });
    if (!data) {
      setBusy(false);
      setProblems(problemsFromError(error, CARD_FIELDS, '', `The card was not revoked (HTTP ${response.status}).`));
      return;
    }
    await props.onRevoked(data);
  };

  return (
    <form onSubmit={submit} noValidate class="form inline-form">
      <h3 class="heading-m" id="revoke-heading">
        Revoke the card
      </h3>
      <p class="body">
        Revoke a card that is lost, stolen, damaged or handed back; it will no longer be accepted. To replace it, revoke it, then issue a new card.
        Their attendance is kept.
      </p>
      <ErrorSummary problems={problems} order={['revokeReason']} />
      <SelectField
        id="revokeReason"
        label="Reason"
        value={reason}
        onValue={(value) => setReason(value as RevokeReason | '')}
        options={REVOKE_REASONS}
        placeholder="Choose a reason"
        error={problems.fields.revokeReason}
      />
      <Button type="submit" variant="warning" disabled={busy}>
        Revoke card
      </Button>
    </form>
  );
}
