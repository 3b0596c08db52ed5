import { decodeTime, encodeTime } from 'ulid';
import { describe, expect, it, vi } from 'vitest';
import { auditExpiry, entryIdRange, newAuditEntry, patientOfTransaction, recordsWritten, safeRefs } from '#shared/audit/rules';
import { AuditTrail } from '#shared/audit/service';
import type { AuditStore } from '#shared/audit/store';
import { ApiError } from '#shared/platform/errors';
import { runInAuditScope, currentAuditScope } from '#shared/platform/audit';

const P = '01JD0000000000000000000001';
const Q = '01JD0000000000000000000002';
const navigator = { principal: { sub: 'nav-1', role: 'navigator' as const }, requestId: 'req-1' };

describe('safeRefs', () => {
  it('keeps ids, codes, counts and dates, and drops anything shaped like free text or personal data', () => {
    expect(
      safeRefs({
        assessmentId: P,
        revision: 2,
        fields: 'familyName,phone',
        reason: 'not_interested',
        from: '2026-04-01',
        at: '2026-04-01T10:00:00Z',
        cardId: 'ABCD-1234',
        note: 'Talked about her grief',
        name: 'Margaret Okafor',
        email: 'margaret@example.org',
        phone: '07700 900123',
        nhsNumber: '9434765919',
        'bad key': P,
        count: Number.NaN,
      }),
    ).toEqual({ assessmentId: P, revision: 2, fields: 'familyName,phone', reason: 'not_interested', from: '2026-04-01', at: '2026-04-01T10:00:00Z', cardId: 'ABCD-1234' });
    expect(safeRefs({ note: 'free text' })).toBeUndefined();
  });
});

describe('newAuditEntry', () => {
  it('takes its time from the entry id, expires ten years on, and records a provider’s id', () => {
    const entryId = `${encodeTime(Date.parse('2026-02-28T23:59:59.123Z'), 10)}0000000000000000`;
    const entry = newAuditEntry({ principal: { sub: 'dev', role: 'provider', providerId: Q }, requestId: 'r' }, { action: 'read_patient', patientId: P }, entryId);
    expect(entry).toMatchObject({ entryId, at: '2026-02-28T23:59:59.123Z', actor: 'dev', role: 'provider', providerId: Q, patientId: P, requestId: 'r' });
    expect(entry.ttl).toBe(Math.floor(Date.parse('2036-02-28T23:59:59.123Z') / 1000));
    expect(auditExpiry(new Date('2028-02-29T12:00:00Z'))).toBe(Math.floor(Date.parse('2038-03-01T12:00:00Z') / 1000));
  });
});

describe('the patient of a transaction and what it wrote', () => {
  const items = [
    { Put: { TableName: 't', Item: { PK: `PATIENT#${P}`, SK: `CONTACT#${Q}`, note: 'x' } } },
    { Update: { TableName: 't', Key: { PK: `PATIENT#${P}`, SK: 'PATIENT' }, UpdateExpression: 'SET a = :a' } },
    { ConditionCheck: { TableName: 't', Key: { PK: `PATIENT#${P}`, SK: `REFERRAL#${Q}` }, ConditionExpression: 'attribute_exists(PK)' } },
    { Put: { TableName: 't', Item: { PK: `REFERRAL#${Q}`, SK: 'REFERRAL' } } },
  ];
  it('is the one patient partition touched; none or two is no patient', () => {
    expect(patientOfTransaction(items)).toBe(P);
    expect(patientOfTransaction([items[3]!])).toBeUndefined();
    expect(patientOfTransaction([...items, { Put: { TableName: 't', Item: { PK: `PATIENT#${Q}`, SK: 'PATIENT' } } }])).toBeUndefined();
  });
  it('lists the sort keys written in that record (not condition checks)', () => {
    expect(recordsWritten(items, P)).toEqual([`CONTACT#${Q}`, 'PATIENT']);
  });
});

describe('entryIdRange', () => {
  const now = new Date('2026-04-30T12:00:00Z');
  it('bounds from (inclusive) and to (exclusive) as ULIDs; defaults to the 30 days up to now', () => {
    const range = entryIdRange({ from: '2026-04-01T00:00:00Z', to: '2026-04-02T00:00:00Z' }, now);
    if (range.kind !== 'range') throw new Error('expected a range');
    expect(decodeTime(range.lowId)).toBe(Date.parse('2026-04-01T00:00:00Z'));
    expect(decodeTime(range.highId)).toBe(Date.parse('2026-04-02T00:00:00Z') - 1);
    expect(entryIdRange({}, now)).toMatchObject({ kind: 'range', from: '2026-03-31T12:00:00.000Z', to: '2026-04-30T12:00:00.000Z' });
    expect(entryIdRange({ to: '2026-04-02T00:00:00+01:00' }, now)).toMatchObject({ from: '2026-03-02T23:00:00.000Z' });
  });
  it('refuses an empty or backwards range, and years before 2000', () => {
    expect(entryIdRange({ from: '2026-04-02T00:00:00Z', to: '2026-04-01T00:00:00Z' }, now)).toMatchObject({ kind: 'invalid', issues: [{ path: 'from', code: 'invalid_range' }] });
    expect(entryIdRange({ from: '2026-04-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, now)).toMatchObject({ kind: 'invalid' });
    expect(entryIdRange({ to: '2026-05-01T00:00:00Z', from: '1999-12-31T23:59:59Z' }, now)).toMatchObject({ kind: 'invalid', issues: [{ path: 'from', code: 'out_of_range' }] });
  });
});

describe('AuditTrail: never served unaudited', () => {
  const ids = { next: () => `${encodeTime(Date.parse('2026-04-01T10:00:00Z'), 10)}0000000000000000` };
  const failing = () => ({ put: vi.fn().mockRejectedValue(Object.assign(new Error('down'), { name: 'ServiceUnavailable' })), putItem: vi.fn() }) as unknown as AuditStore;

  it('a read whose entry cannot be written is a 503, and the entry (ids only) goes to the error log', async () => {
    const logger = { error: vi.fn() };
    const trail = new AuditTrail({ store: failing(), ids, logger: logger as never });
    const error = await trail.read(navigator, 'read_patient', P, async () => ({ name: 'Margaret Okafor' }), () => ({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'audit_unavailable' });
    expect(logger.error).toHaveBeenCalledWith('audit entry not written', {
      auditEntry: expect.objectContaining({ action: 'read_patient', patientId: P, actor: 'nav-1', requestId: 'req-1' }),
      errorName: 'ServiceUnavailable',
    });
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('Okafor');
  });

  it('a read that fails is that failure, not the audit’s', async () => {
    const store = { put: vi.fn().mockResolvedValue(undefined) } as unknown as AuditStore;
    const trail = new AuditTrail({ store, ids, logger: { error: vi.fn() } as never });
    await expect(trail.read(navigator, 'read_patient', P, async () => Promise.reject(new Error('boom')), () => ({}))).rejects.toThrow('boom');
  });

  it('a change with no transaction is audited after it, only when served; the scope ends with the change', async () => {
    const put = vi.fn().mockResolvedValue(undefined);
    const trail = new AuditTrail({ store: { put } as unknown as AuditStore, ids, logger: { error: vi.fn() } as never });
    await trail.change(navigator, 'change_patient', { patientId: P }, async () => 'refused', () => false);
    expect(put).not.toHaveBeenCalled();
    await trail.change(navigator, 'change_patient', { patientId: P }, async () => {
      expect(currentAuditScope()).toBeDefined();
      return 'done';
    }, () => ({ refs: { fields: 'postcode' } }));
    expect(put).toHaveBeenCalledWith(expect.objectContaining({ action: 'change_patient', patientId: P, refs: { fields: 'postcode' } }));
    expect(currentAuditScope()).toBeUndefined();
    expect(await runInAuditScope({ itemFor: () => undefined, committed() {}, note() {} }, async () => currentAuditScope() !== undefined)).toBe(true);
  });
});
