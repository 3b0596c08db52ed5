import { describe, expect, it } from 'vitest';
import { applyCaseloadQuery, caseloadSummary, contactSummary, decodeOffsetCursor, encodeOffsetCursor, foldName, matchesSearch, type CaseloadRow } from '#shared/patients/caseload';
import { tagReferralMove, withCaseloadSummary } from '#shared/patients/summary-store';
import { keys } from '#shared/platform/keys';

const now = new Date('2026-06-15T11:00:00Z');

describe('the caseload summary as shown', () => {
  const prescription = {
    prescriptionId: 'P1',
    prescriptionStatus: 'active' as const,
    prescriptionStartDate: '2026-06-01',
    prescriptionEndDate: '2026-08-23',
    prescriptionWeeks: 12,
    prescriptionPausedDays: 0,
    followUpDueAt: '2026-08-24T08:00:00.000Z',
  };

  it('counts days waiting only while the referral waits, and the week of a running prescription', () => {
    expect(caseloadSummary({ referralStatus: 'received', referralReceivedAt: '2026-06-10T12:00:00Z' }, now).daysWaiting).toBe(4);
    expect(caseloadSummary({ referralStatus: 'prescribed', referralReceivedAt: '2026-06-10T12:00:00Z' }, now).daysWaiting).toBeUndefined();
    expect(caseloadSummary(prescription, now).prescription).toMatchObject({ week: 3, weeks: 12 });
    expect(caseloadSummary({ ...prescription, prescriptionPausedDays: 7 }, now).prescription?.week).toBe(2);
    expect(caseloadSummary({ ...prescription, prescriptionStartDate: '2026-06-20' }, now).prescription?.week).toBeUndefined();
    expect(caseloadSummary({ ...prescription, prescriptionStatus: 'completed' }, now).prescription?.week).toBeUndefined();
  });

  it('a follow-up is scheduled, due on its instant, overdue after 14 days, and gone once the prescription ends', () => {
    const at = (iso: string) => caseloadSummary(prescription, new Date(iso)).followUp?.state;
    expect(at('2026-08-24T07:59:59Z')).toBe('scheduled');
    expect(at('2026-08-24T08:00:00Z')).toBe('due');
    expect(at('2026-09-07T08:00:00Z')).toBe('due');
    expect(at('2026-09-07T08:00:01Z')).toBe('overdue');
    expect(caseloadSummary({ ...prescription, prescriptionStatus: 'withdrawn' }, now).followUp).toBeUndefined();
  });

  it('a contact moves the last contact forwards only', () => {
    expect(contactSummary({}, '2026-06-01T10:00:00Z')).toEqual({ lastContactAt: '2026-06-01T10:00:00Z' });
    expect(contactSummary({ lastContactAt: '2026-06-02T10:00:00Z' }, '2026-06-01T10:00:00Z')).toEqual({});
    expect(contactSummary({ lastContactAt: '2026-06-02T10:00:00Z' }, '2026-06-03T10:00:00Z')).toEqual({ lastContactAt: '2026-06-03T10:00:00Z' });
  });
});

describe('search', () => {
  const zoe = { patientId: 'A', givenName: 'Zoë', familyName: 'Smith-Jones', nhsNumber: '9434765919' };
  it.each([
    ['zoe', true],
    ['ZOË', true],
    ['smi', true],
    ['jon', true],
    ['zo sm', true],
    ['oe', false],
    ['zoe brown', false],
    ['943 476 5919', true],
    ['9434765919', true],
    ['943476591', false],
    ['9434765918', false],
  ])('%s → %s', (q, expected) => {
    expect(matchesSearch(zoe, q)).toBe(expected);
  });

  it('folds typographic apostrophes and accents', () => {
    expect(foldName('O’Brien')).toBe("o'brien");
    expect(matchesSearch({ patientId: 'B', givenName: 'Michael', familyName: 'O’Brien' }, "o'bri")).toBe(true);
    expect(matchesSearch({ patientId: 'B', givenName: 'Michael', familyName: 'O’Brien' }, 'brien')).toBe(true);
  });
});

describe('filters and sorts', () => {
  const row = (givenName: string, familyName: string, summary: CaseloadRow['summary']): CaseloadRow => ({ patient: { patientId: givenName, givenName, familyName }, summary });
  const rows = [
    row('Ann', 'Young', { referralStatus: 'received', referralReceivedAt: '2026-06-01T10:00:00Z', daysWaiting: 14 }),
    row('Bob', 'Adams', { referralStatus: 'accepted', referralReceivedAt: '2026-06-10T10:00:00Z', daysWaiting: 5, lastContactAt: '2026-06-14T10:00:00Z' }),
    row('Cy', 'Moss', { referralStatus: 'prescribed', lastContactAt: '2026-05-01T10:00:00Z', followUp: { dueAt: '2026-06-10T08:00:00Z', state: 'due' } }),
  ];
  const names = (query: Parameters<typeof applyCaseloadQuery>[1]) => applyCaseloadQuery(rows, query, now).map((r) => r.patient.givenName);

  it('sorts', () => {
    expect(names({})).toEqual(['Bob', 'Cy', 'Ann']);
    expect(names({ sort: 'days_waiting' })).toEqual(['Ann', 'Bob', 'Cy']);
    expect(names({ sort: 'last_contact' })).toEqual(['Ann', 'Cy', 'Bob']);
    expect(names({ sort: 'follow_up_due' })).toEqual(['Cy', 'Bob', 'Ann']);
  });

  it('filters', () => {
    expect(names({ stage: 'accepted' })).toEqual(['Bob']);
    expect(names({ followUpDue: true })).toEqual(['Cy']);
    expect(names({ noContactDays: 7 })).toEqual(['Cy', 'Ann']);
    expect(names({ noContactDays: 30 })).toEqual(['Cy']);
  });

  it('round-trips its cursor and refuses a foreign one', () => {
    expect(decodeOffsetCursor(encodeOffsetCursor(25))).toBe(25);
    expect(decodeOffsetCursor('bm90LW9ucw')).toBeUndefined();
  });
});

describe('folding the summary into a transaction', () => {
  const table = 'T';
  const patient = keys.patient('P');

  it('joins an Update’s SET and REMOVE clauses, keeping its condition and values', () => {
    const [item] = withCaseloadSummary(
      table,
      [{ Update: { TableName: table, Key: patient, UpdateExpression: 'REMOVE currentPrescriptionId', ConditionExpression: 'currentPrescriptionId = :id', ExpressionAttributeValues: { ':id': 'X' } } }],
      'P',
      { set: { prescriptionStatus: 'withdrawn' }, remove: ['followUpDueAt'] },
    );
    expect(item!.Update).toEqual({
      TableName: table,
      Key: patient,
      UpdateExpression: 'REMOVE #cs_followUpDueAt, currentPrescriptionId SET #cs_prescriptionStatus = :cs_prescriptionStatus',
      ConditionExpression: 'currentPrescriptionId = :id',
      ExpressionAttributeNames: { '#cs_prescriptionStatus': 'prescriptionStatus', '#cs_followUpDueAt': 'followUpDueAt' },
      ExpressionAttributeValues: { ':id': 'X', ':cs_prescriptionStatus': 'withdrawn' },
    });
  });

  it('turns a ConditionCheck into an Update with the same condition, and picks up a tagged referral move', () => {
    const move = tagReferralMove({ Update: { TableName: table, Key: keys.referral('P', 'R'), UpdateExpression: 'SET #status = :status' } }, 'P', 'declined');
    const items = withCaseloadSummary(table, [move, { ConditionCheck: { TableName: table, Key: patient, ConditionExpression: 'navigator = :caseload', ExpressionAttributeValues: { ':caseload': 'n' } } }], 'P', { set: {} });
    expect(items[0]).toBe(move);
    expect(items[1]).toEqual({
      Update: {
        TableName: table,
        Key: patient,
        UpdateExpression: 'SET #cs_referralStatus = :cs_referralStatus',
        ConditionExpression: 'navigator = :caseload',
        ExpressionAttributeNames: { '#cs_referralStatus': 'referralStatus' },
        ExpressionAttributeValues: { ':caseload': 'n', ':cs_referralStatus': 'declined' },
      },
    });
  });

  it('adds an Update when the patient is not in the transaction, and changes nothing when there is nothing to set', () => {
    const other = { Put: { TableName: table, Item: { PK: 'CONTACT', SK: 'C' } } };
    const items = withCaseloadSummary(table, [other], 'P', { set: { lastContactAt: '2026-06-15T10:00:00Z' } }, { ConditionExpression: 'attribute_exists(PK) AND navigator = :caseload', ExpressionAttributeValues: { ':caseload': 'n' } });
    expect(items).toHaveLength(2);
    expect(items[1]!.Update).toMatchObject({ Key: patient, ConditionExpression: 'attribute_exists(PK) AND navigator = :caseload', UpdateExpression: 'SET #cs_lastContactAt = :cs_lastContactAt' });
    const unchanged = [other];
    expect(withCaseloadSummary(table, unchanged, 'P', { set: {} })).toBe(unchanged);
  });
});
