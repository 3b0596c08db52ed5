import { afterEach, describe, expect, it, vi } from 'vitest';
import { DevClock } from '#local/dev-clock';
import { LocalDigestSchedule, LocalFollowUpScheduler } from '#local/scheduler';
import type { Db } from '#shared/platform/dynamo';
import { createLogger } from '#shared/platform/logger';

/**
 * Local mode's schedules run on timers. A tick whose database read fails (DynamoDB Local briefly
 * gone) must be logged and retried by the next tick — never left as an unhandled rejection, which
 * would end the whole local server (vitest fails a run that has one).
 */
const unreachableDb = (): Db => ({
  tableName: 'waymark',
  client: { send: vi.fn().mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' })) } as unknown as Db['client'],
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('local schedules when the database is unreachable', () => {
  it('the follow-up scheduler logs the failed tick and carries on ticking', async () => {
    const clock = new DevClock();
    const logger = createLogger({ level: 'SILENT' });
    const error = vi.spyOn(logger, 'error');
    const db = unreachableDb();
    const scheduler = new LocalFollowUpScheduler(db, clock, logger);
    scheduler.start(async () => undefined);
    stops.push(() => scheduler.stop());
    clock.advance('P1D'); // a clock jump ticks at once
    await vi.waitFor(() => expect(error).toHaveBeenCalledWith('local follow-up schedule check failed; the next tick tries again', { error: 'Error' }));
    clock.advance('P1D');
    await vi.waitFor(() => expect(error).toHaveBeenCalledTimes(2));
    expect(db.client.send).toHaveBeenCalledTimes(2);
  });

  it('a schedule written while the table is unreachable does not leave a rejected tick behind either', async () => {
    const clock = new DevClock();
    const logger = createLogger({ level: 'SILENT' });
    const scheduler = new LocalFollowUpScheduler(unreachableDb(), clock, logger);
    await expect(
      scheduler.schedule({ followUpId: 'F', prescriptionId: 'P', patientId: 'X', version: 1, dueAt: '2026-01-01T09:00:00Z' }),
    ).rejects.toThrow('ECONNREFUSED');
  });

  it('the digest schedule logs a failed run and owes it to the next tick', async () => {
    const clock = new DevClock();
    clock.set(new Date('2026-03-02T08:59:00Z'));
    const logger = createLogger({ level: 'SILENT' });
    const error = vi.spyOn(logger, 'error');
    const schedule = new LocalDigestSchedule(clock, logger);
    const run = vi.fn().mockRejectedValueOnce(new Error('table unreachable')).mockResolvedValue(undefined);
    schedule.start(run);
    stops.push(() => schedule.stop());
    clock.advance('PT2M');
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(error).toHaveBeenCalled());
    await schedule.tick();
    expect(run).toHaveBeenCalledTimes(2);
  });
});
