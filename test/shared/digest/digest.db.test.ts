import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createDigestService } from '#shared/app/services';
import { digestHandler, DigestIncompleteError } from '#shared/digest/handlers';
import { MailNotSentError, type DigestMailer } from '#shared/digest/mailer';
import type { DigestMessage } from '#shared/digest/rules';
import { DigestStore } from '#shared/digest/store';
import { LocalOutbox } from '#local/digest';
import { createTestApp, type TestApp } from '../../support/app';
import { baselineBody, makeActivities, otherNavigatorToken, referPatient } from '../../support/fixtures';

/**
 * The daily digest against DynamoDB Local: follow-ups made through the API, the digest run by the
 * same service the Lambda runs, mailing into local mode's outbox (with failures injected).
 * Sam's two prescriptions start on 2 and 16 March 2026 (due 25 May and 8 June, 09:00 BST); Ade's
 * starts on 16 March. On Wednesday 10 June at 09:00 BST Sam has one overdue and one due, Ade one due,
 * and Kim (a navigator with no caseload) nothing.
 */
let t: TestApp;
let outbox: LocalOutbox;
const navigators = [
  { personId: '01J0000000000000000000SAM0', sub: 'local-navigator', email: 'sam@example.org', givenName: 'Sam' },
  { personId: '01J0000000000000000000ADE0', sub: 'navigator-elsewhere', email: 'ade@example.org', givenName: 'Ade' },
  { personId: '01J0000000000000000000K1M0', sub: 'navigator-idle', email: 'kim@example.org', givenName: 'Kim' },
];
const CONSOLE = 'https://console.example.org';

/** Fails the addresses in `failing` as the test says, and otherwise delivers to the outbox. */
class FlakyMailer implements DigestMailer {
  failing = new Map<string, () => Error>();
  constructor(private readonly inner: DigestMailer) {}
  async send(message: DigestMessage) {
    const failure = this.failing.get(message.to);
    if (failure) throw failure();
    return this.inner.send(message);
  }
}
let mailer: FlakyMailer;
let service: ReturnType<typeof createDigestService>;

async function prescribe(startDate: string, token?: string) {
  const as = token ? { token } : { as: 'navigator' as const };
  const patientId = await referPatient(t, token ? { token } : {});
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { ...as, body: baselineBody });
  const res = await t.call('POST', '/v1/prescriptions', { ...as, body: { patientId, startDate, goals: ['g'], activityIds } });
  expect(res.status).toBe(201);
}
let activityIds: string[];
const setClock = (now: string) => t.clock.set(new Date(now));
const outboxTo = async (to: string) => (await outbox.list()).filter((message) => message.to === to);

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  ({ activityIds } = await makeActivities(t));
  const ade = await otherNavigatorToken(t);
  await prescribe('2026-03-02');
  await prescribe('2026-03-16');
  await prescribe('2026-03-16', ade);
  // Sam's first becomes due through the sweep (status due); the others stay `scheduled` past their time.
  setClock('2026-05-26T10:00:00Z');
  await t.services.followUpDue.sweep();
  outbox = new LocalOutbox(t.db, t.clock, t.services.ids);
  mailer = new FlakyMailer(outbox);
  service = createDigestService({
    db: t.db,
    clock: t.clock,
    logger: t.services.logger,
    mailer,
    navigators: { enabledNavigators: async () => navigators },
    consoleUrl: CONSOLE,
  });
});

describe('the daily follow-up digest', () => {
  it('emails each navigator with follow-ups waiting once, with the counts and the inbox link, and nobody else', async () => {
    setClock('2026-06-10T08:00:00Z');
    const run = await service.sendDigests();
    expect(run).toMatchObject({ kind: 'done', day: '2026-06-10' });
    expect(run.results.map((r) => [r.personId, r.kind]).sort()).toEqual([
      ['01J0000000000000000000ADE0', 'sent'],
      ['01J0000000000000000000K1M0', 'nothing_due'],
      ['01J0000000000000000000SAM0', 'sent'],
    ]);
    const [toSam] = await outboxTo('sam@example.org');
    expect(toSam).toMatchObject({
      subject: 'Waymark: 2 follow-ups waiting, 1 overdue',
      text: expect.stringContaining('- 1 due\n- 1 overdue'),
    });
    expect(toSam!.text).toContain(`${CONSOLE}/#/followups?status=due`);
    expect((await outboxTo('ade@example.org')).map((m) => m.subject)).toEqual(['Waymark: 1 follow-up due']);
    expect(await outboxTo('kim@example.org')).toEqual([]);
    // No patient identity in anything sent.
    const sent = JSON.stringify((await outbox.list()).map((m) => [m.subject, m.text]));
    expect(sent).not.toMatch(/Margaret|Okafor|07700|margaret@|PATIENT|[0-9A-HJKMNP-TV-Z]{26}/);

    const records = await new DigestStore(t.db).ofDay('2026-06-10');
    expect(records.map((r) => ({ navigator: r.navigator, status: r.status, due: r.due, overdue: r.overdue })).sort((a, b) => a.navigator.localeCompare(b.navigator))).toEqual([
      { navigator: 'local-navigator', status: 'sent', due: 1, overdue: 1 },
      { navigator: 'navigator-elsewhere', status: 'sent', due: 1, overdue: 0 },
    ]);
  });

  it('a second run the same day sends nothing', async () => {
    setClock('2026-06-10T11:00:00Z');
    const before = (await outbox.list()).length;
    const run = await service.sendDigests();
    expect(run.kind).toBe('done');
    expect(run.results.filter((r) => r.kind === 'already_sent')).toHaveLength(2);
    expect(await outbox.list()).toHaveLength(before);
  });

  it('one navigator failing does not stop the others; the run fails, and its retry sends only to that one', async () => {
    setClock('2026-06-11T08:00:30Z');
    mailer.failing.set('sam@example.org', () => new MailNotSentError('TooManyRequestsException'));
    const handler = digestHandler(service);
    await expect(handler()).rejects.toThrow(DigestIncompleteError);
    const sentOn11th = async (to: string) => (await outboxTo(to)).filter((m) => m.sentAt.startsWith('2026-06-11'));
    expect(await sentOn11th('ade@example.org')).toHaveLength(1);
    expect(await sentOn11th('sam@example.org')).toHaveLength(0);
    expect((await new DigestStore(t.db).ofDay('2026-06-11')).map((r) => r.navigator)).toEqual(['navigator-elsewhere']);

    mailer.failing.clear();
    setClock('2026-06-11T08:05:00Z');
    expect(await handler()).toEqual({ day: '2026-06-11', sent: 1, alreadySent: 1, nothingDue: 1, uncertain: 0 });
    expect(await sentOn11th('ade@example.org')).toHaveLength(1);
    expect(await sentOn11th('sam@example.org')).toHaveLength(1);
  });

  it('a send without an answer (it may have gone) is kept and never sent again that day; the run does not fail for it', async () => {
    setClock('2026-06-12T08:00:00Z');
    mailer.failing.set('sam@example.org', () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const run = await service.sendDigests();
    expect(run.kind).toBe('done');
    expect(run.results.find((r) => r.personId === navigators[0]!.personId)).toEqual({ kind: 'uncertain', personId: navigators[0]!.personId, error: 'TimeoutError' });
    mailer.failing.clear();
    const retry = await service.sendDigests();
    expect(retry.results.find((r) => r.personId === navigators[0]!.personId)?.kind).toBe('already_sent');
    expect((await outboxTo('sam@example.org')).filter((m) => m.sentAt.startsWith('2026-06-12'))).toEqual([]);
    expect((await new DigestStore(t.db).ofDay('2026-06-12')).find((r) => r.navigator === 'local-navigator')?.status).toBe('uncertain');
  });

  it('a directory that cannot answer fails the whole run (nothing sent, retried by the schedule)', async () => {
    setClock('2026-06-13T08:00:00Z');
    const broken = createDigestService({
      db: t.db,
      clock: t.clock,
      logger: t.services.logger,
      mailer,
      navigators: { enabledNavigators: async () => Promise.reject(new Error('directory down')) },
      consoleUrl: CONSOLE,
    });
    await expect(digestHandler(broken)()).rejects.toThrow('directory down');
    expect(await new DigestStore(t.db).ofDay('2026-06-13')).toEqual([]);
  });

  it('logs ids and counts only: no address, no name', async () => {
    setClock('2026-06-14T08:00:00Z');
    mailer.failing.set('ade@example.org', () => new MailNotSentError('MessageRejected'));
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(t.services.logger, level));
    try {
      await service.sendDigests();
      const logged = JSON.stringify(spies.map((spy) => spy.mock.calls));
      expect(logged).toContain('follow-up digest sent');
      expect(logged).toContain('follow-up digest failed');
      expect(logged).toContain(navigators[0]!.personId);
      expect(logged).not.toMatch(/@|Sam|Ade|Kim|Margaret|Okafor/);
    } finally {
      for (const spy of spies) spy.mockRestore();
      mailer.failing.clear();
    }
  });
});

describe('DigestStore', () => {
  const record = { day: '2027-01-04', navigator: 'nav-x', personId: 'p', status: 'sending' as const, due: 1, overdue: 0, claimedAt: '2027-01-04T09:00:00.000Z' };

  it('claims a navigator’s day once; a second claim is taken', async () => {
    const store = new DigestStore(t.db);
    expect(await store.claim(record)).toBe('claimed');
    expect(await store.claim(record)).toBe('taken');
  });

  it('gives a claim back only while it is still sending, never a sent one', async () => {
    const store = new DigestStore(t.db);
    await store.claim({ ...record, navigator: 'nav-y' });
    await store.markSent(record.day, 'nav-y', { sentAt: '2027-01-04T09:00:01.000Z', messageId: 'm-1' });
    await store.release(record.day, 'nav-y');
    await store.release(record.day, 'nav-x');
    expect(await store.ofDay(record.day)).toEqual([
      { ...record, navigator: 'nav-y', status: 'sent', sentAt: '2027-01-04T09:00:01.000Z', messageId: 'm-1' },
    ]);
    expect(await store.claim(record)).toBe('claimed');
  });
});
