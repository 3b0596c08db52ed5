import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digestHandler } from '#shared/digest/handlers';
import { followUpReminderHandler } from '#shared/followups/handlers';
import { localDigest } from '#local/wiring';
import { createTestApp, type TestApp } from '../support/app';
import { addNavigator, baselineBody, makeActivities, referPatient } from '../support/fixtures';

/**
 * Local mode's daily digest: the dev clock passing 09:00 London runs it (within a second), into
 * the outbox that GET /v1/dev/outbox shows. The demo navigator's follow-up is due at 09:00 BST
 * on Monday 25 May 2026. The clock change itself starts the run (no tick is called here); the
 * waits are generous only because a loaded test machine makes the run itself slow.
 */
let t: TestApp;
let digest: ReturnType<typeof localDigest>;

const outbox = async () => (await t.call('GET', '/v1/dev/outbox')).body.items as { to: string; subject: string; text: string; sentAt: string }[];
const move = (body: { now?: string; advance?: string }) => t.call('POST', '/v1/dev/clock', { body });

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T10:00:00Z' });
  // The digest mails the enabled navigators of the people directory: the default navigator is one.
  await addNavigator(t, 'local-navigator');
  const { activityIds } = await makeActivities(t);
  const patientId = await referPatient(t);
  await t.call('POST', `/v1/patients/${patientId}/assessments`, { as: 'navigator', body: baselineBody });
  expect((await t.call('POST', '/v1/prescriptions', { as: 'navigator', body: { patientId, startDate: '2026-03-02', goals: ['g'], activityIds } })).status).toBe(201);
  await move({ now: '2026-05-25T07:58:00Z' });
  t.scheduler.start(followUpReminderHandler(t.services.followUpDue));
  digest = localDigest(t.services, t.clock, 'http://localhost:3000');
  digest.schedule.start(digestHandler(digest.service));
});

afterAll(async () => {
  await digest.schedule.stop();
  await t.scheduler.stop();
});

describe('the local daily digest', () => {
  it('has not run before 09:00 London', async () => {
    await digest.schedule.tick();
    expect(await outbox()).toEqual([]);
  });

  it('runs within a second when the dev clock passes 09:00 London, mailing the demo navigator into the outbox', async () => {
    await move({ advance: 'PT3M' }); // 09:01 BST
    await vi.waitFor(async () => expect(await outbox()).toHaveLength(1), { timeout: 5000, interval: 50 });
    const [message] = await outbox();
    expect(message).toMatchObject({
      to: 'local-navigator@example.org',
      subject: 'Waymark: 1 follow-up due',
      text: expect.stringContaining('Open your inbox: http://localhost:3000/#/followups?status=due'),
    });
    expect(message!.text).toMatch(/^Hello Test,/);
    expect(message!.text).not.toMatch(/Margaret|Okafor/);
  });

  it('does not run again later the same day', async () => {
    await move({ advance: 'PT5H' });
    expect(await digest.schedule.tick()).toBeUndefined();
    expect(await outbox()).toHaveLength(1);
  });

  it('a jump over several days runs it once, for the day the clock lands on', async () => {
    await move({ advance: 'P3D' }); // 14:01 BST on Thursday 28 May
    await vi.waitFor(async () => expect(await outbox()).toHaveLength(2), { timeout: 5000, interval: 50 });
    await digest.schedule.tick();
    const items = await outbox();
    expect(items).toHaveLength(2);
    expect(items[0]!.sentAt.slice(0, 10)).toBe('2026-05-28');
  });

  it('runs at 09:00 GMT in winter (09:00Z), not at 08:00Z', async () => {
    await move({ now: '2026-12-01T07:59:00Z' });
    await digest.schedule.tick();
    await move({ now: '2026-12-01T08:30:00Z' });
    expect(await digest.schedule.tick()).toBeUndefined();
    await move({ now: '2026-12-01T09:00:00Z' });
    await vi.waitFor(async () => expect(await outbox()).toHaveLength(3), { timeout: 5000, interval: 50 });
    expect((await outbox())[0]!.subject).toBe('Waymark: 1 follow-up waiting, 1 overdue');
  });
});
