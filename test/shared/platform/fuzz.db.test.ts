import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { londonDate } from '#shared/platform/london';
import { isPlainText } from '#shared/platform/text';
import { createTestApp, type TestApp } from '../../support/app';
import { referralBody } from '../../support/fixtures';
import { fuzzCount, fuzzSeed, replayHint } from '../../support/fuzz-settings';
import { operationsOf, requestArb, type FuzzOperation, type FuzzRequest, type FuzzWorld, type OpenApiDocument } from '../../support/openapi-fuzz';
import { diffSnapshots, isEmptyDiff, tableSnapshot, type SnapshotDiff, type TableSnapshot } from '../../support/table-snapshot';

/**
 * Every operation of the OpenAPI document the app serves, called with requests generated from
 * its own schemas and hostile mutations of them, as every role, nobody and bad tokens. After
 * each one:
 *
 * 1. the status is below 500;
 * 2. a non-2xx answer is JSON in the one error shape `{ error: { code, message, issues? } }`
 *    (a rejected scan's answer carries that `error` beside the door's fields, as documented);
 * 3. a rejected write (4xx to POST, PUT, PATCH or DELETE) left the table exactly as it was: a
 *    Scan of the whole (private) table before and after compares equal (but for the rate-limit
 *    windows, which count rejected requests by design).
 *
 * The same run also collects every string a successful write stored that is not plain text
 * (a control character or half a surrogate pair: `isPlainText` of shared/platform/text.ts, the
 * rule every typed field follows), and a second test asserts there was none.
 *
 * Seeded and bounded: FUZZ_REQUESTS (default 1,500) requests from FUZZ_SEED (see
 * test/support/fuzz-settings.ts). Every failure is listed with its index, request and answer,
 * and the line that replays the run.
 */
const SEED = fuzzSeed(20_260_304);
const REQUESTS = fuzzCount('FUZZ_REQUESTS', 1_500);
const VERBOSE = process.env.FUZZ_VERBOSE === '1';
const START = '2026-03-04T10:00:00Z';
const ons4 = { satisfied: 5, worthwhile: 5, happy: 5, anxious: 5 };

let t: TestApp;
let doc: OpenApiDocument;
let world: FuzzWorld;

/** A small scheme to aim at: two providers, a patient with a prescription and a card, a follow-up, a person, a device. */
beforeAll(async () => {
  t = await createTestApp({ now: START });
  const ids: Record<string, string[]> = {};
  const keep = (name: string, value: unknown) => {
    if (typeof value === 'string' && value) (ids[name] ??= []).push(value);
  };
  const must = async (method: string, path: string, options: Parameters<TestApp['call']>[2]) => {
    const res = await t.call(method, path, options);
    if (res.status >= 300) throw new Error(`fuzz set-up: ${method} ${path} answered ${res.status} ${res.text}`);
    return res.body;
  };
  const today = londonDate(t.clock.now());
  for (const name of ['Fuzz provider A', 'Fuzz provider B']) {
    const provider = await must('POST', '/v1/providers', {
      as: 'admin',
      body: { name, categories: ['physical', 'social'], accreditation: { status: 'accredited', validUntil: '2030-12-31' } },
    });
    keep('providerId', provider.providerId);
    const venue = await must('POST', `/v1/providers/${provider.providerId}/venues`, { as: 'admin', body: { name: 'Hall', postcode: 'LU1 2AB' } });
    keep('venueId', venue.venueId);
    const activity = await must('POST', `/v1/providers/${provider.providerId}/activities`, {
      as: 'admin',
      body: { venueId: venue.venueId, name: 'Walk', category: 'physical' },
    });
    keep('activityId', activity.activityId);
  }
  const referral = await must('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
  keep('patientId', referral.patientId);
  keep('referralId', referral.referralId);
  const baseline = await must('POST', `/v1/patients/${referral.patientId}/assessments`, { as: 'navigator', body: { kind: 'baseline', ons4 } });
  keep('assessmentId', baseline.assessmentId);
  const prescription = await must('POST', '/v1/prescriptions', {
    as: 'navigator',
    body: { patientId: referral.patientId, startDate: today, goals: ['g'], activityIds: [ids.activityId![0]] },
  });
  keep('prescriptionId', prescription.prescriptionId);
  keep('followUpId', prescription.followUpId);
  await must('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'FUZZ-CARD-0001', patientId: referral.patientId } });
  keep('cardId', 'FUZZ-CARD-0001');
  // A second patient with a card revoked as lost (retired), and one not yet prescribed.
  const second = await must('POST', '/v1/referrals', { as: 'navigator', body: referralBody() });
  keep('patientId', second.patientId);
  keep('referralId', second.referralId);
  await must('POST', '/v1/cards', { as: 'navigator', body: { cardId: 'FUZZ-CARD-0002', patientId: second.patientId } });
  await must('POST', '/v1/cards/FUZZ-CARD-0002/revoke', { as: 'navigator', body: { reason: 'lost' } });
  keep('cardId', 'FUZZ-CARD-0002');
  keep('cardId', 'FUZZ-NEVER-ISSUED');
  const person = await must('POST', '/v1/people', { as: 'admin', body: { email: 'fuzz-person@example.org', givenName: 'F', familyName: 'P', role: 'manager' } });
  keep('personId', person.personId);
  const device = await must('POST', `/v1/providers/${ids.providerId![0]}/devices`, { as: 'admin', body: { name: 'Fuzz tablet' } });
  keep('deviceId', device.deviceId);
  // Real cursors of one collection, to be sent to others.
  const cursors: string[] = [];
  for (const path of ['/v1/providers?limit=1', '/v1/patients?limit=1', `/v1/providers/${ids.providerId![0]}/venues?limit=1`]) {
    const page = await t.call('GET', path, { as: 'admin' });
    if (typeof page.body?.nextCursor === 'string') cursors.push(page.body.nextCursor);
  }
  doc = (await t.call('GET', '/v1/openapi.json')).body as OpenApiDocument;
  world = { ids, cursors, today, now: t.clock.now() };
}, 120_000);

const Issue = z.object({ in: z.enum(['body', 'query', 'path', 'header']), path: z.string(), code: z.string().min(1), message: z.string().min(1) }).strict();
const ErrorObject = z.object({ code: z.string().min(1), message: z.string().min(1), issues: z.array(Issue).optional() }).strict();
/** The one error shape, and nothing beside it. */
const ErrorShape = z.object({ error: ErrorObject }).strict();
/** An answer documented with more than the error (a rejected scan): the error is there, in the same shape. */
const CarriesError = z.object({ error: ErrorObject });

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(request: FuzzRequest): Promise<Answer> {
  const headers: Record<string, string> = {};
  const { caller } = request;
  if (caller.kind === 'role') headers.authorization = `Bearer ${await t.tokenFor(caller.role, caller.providerId)}`;
  if (caller.kind === 'expired') {
    headers.authorization = `Bearer ${(await t.issuer.mint({ role: caller.role }, new Date(t.clock.now().getTime() - 86_400_000))).token}`;
  }
  if (caller.kind === 'garbage') headers.authorization = caller.header;
  if (request.forwardedFor !== undefined) headers['x-forwarded-for'] = request.forwardedFor;
  let body: Uint8Array | undefined;
  const { body: sent } = request;
  if (sent.kind === 'json') {
    const text = JSON.stringify(sent.value);
    if (text !== undefined) body = new TextEncoder().encode(text);
  } else if (sent.kind === 'raw') body = new TextEncoder().encode(sent.text);
  else if (sent.kind === 'bytes') body = Uint8Array.from(sent.bytes);
  // A byte body is sent with exactly the content type chosen, or none (a string body would get text/plain).
  if (body !== undefined && request.contentType !== undefined) headers['content-type'] = request.contentType;
  const response = await t.app.request(request.url, { method: request.operation.method.toUpperCase(), headers, ...(body ? { body } : {}) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** What is wrong with an answer, as short sentences (none when it is right). */
function problemsWith(operation: FuzzOperation, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`server error ${answer.status}`);
  if (answer.status < 300) {
    if (operation.key === 'post /v1/scans/batch' && answer.status === 200) problems.push(...batchProblems(answer.text));
    return problems;
  }
  if (!/\bjson\b/i.test(answer.contentType)) return [...problems, `a ${answer.status} that is not JSON (${answer.contentType || 'no content type'})`];
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [...problems, `a ${answer.status} whose body is not JSON`];
  }
  const documented = operation.responses.get(answer.status);
  const shape = documented && !documented.isError && documented.mediaTypes.length > 0 ? CarriesError : ErrorShape;
  const parsed = shape.safeParse(body);
  if (!parsed.success) problems.push(`not the error shape: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return problems;
}

/** A batch is 200 with one result per scan: each must be an answer POST /v1/scans could give, never a fault. */
function batchProblems(text: string): string[] {
  const results = (JSON.parse(text) as { results?: { httpStatus: number; body: unknown }[] }).results ?? [];
  return results.flatMap((result, index) => {
    if (result.httpStatus >= 500) return [`batch item ${index} answered ${result.httpStatus}`];
    if (result.httpStatus >= 400 && !CarriesError.safeParse(result.body).success) return [`batch item ${index}: not the error shape`];
    return [];
  });
}

const isWrite = (operation: FuzzOperation) => operation.method !== 'get';

/**
 * A rate-limited route counts every request in its caller's window (`RATE#…` items, kept by
 * shared/platform/rate-limit.ts), the rejected ones too: that is the point of a limit, so those
 * items are the one thing a rejected request may write.
 */
function withoutRateWindows(diff: SnapshotDiff): SnapshotDiff {
  const domain = (key: string) => !key.startsWith('RATE#');
  return { added: diff.added.filter(domain), removed: diff.removed.filter(domain), changed: diff.changed.filter((c) => domain(c.key)) };
}

/** Strings anywhere in a stored item (as its canonical JSON) that are not plain text, with where they are. */
function unplainStrings(itemJson: string): { at: string; value: string }[] {
  const found: { at: string; value: string }[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === 'string') {
      if (!isPlainText(value, { multiline: true })) found.push({ at, value });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}.${i}`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
  };
  walk(JSON.parse(itemJson), '');
  return found;
}

/** Stored fields known to take text that is not plain, left out of the check (none now). */
const KNOWN_UNPLAIN_FIELDS = new Set<string>([]);

/** Filled by the fuzz run: what successful writes stored that is not plain text. */
const storedUnplain: string[] = [];

interface Failure {
  index: number;
  request: string;
  status: number;
  answer: string;
  problems: string[];
}

function describeRequest(request: FuzzRequest): string {
  const { caller, body } = request;
  const who = caller.kind === 'role' ? caller.role : caller.kind;
  const sent =
    body.kind === 'json'
      ? JSON.stringify(body.value)
      : body.kind === 'raw'
        ? `raw ${JSON.stringify(body.text)}`
        : body.kind === 'bytes'
          ? `bytes [${body.bytes.join(',')}]`
          : 'no body';
  const url = request.url.length > 200 ? `${request.url.slice(0, 200)}…(${request.url.length})` : request.url;
  return `${request.operation.method.toUpperCase()} ${url} as ${who}, content-type ${JSON.stringify(request.contentType)}, ${sent.length > 300 ? `${sent.slice(0, 300)}…(${sent.length})` : sent} [${request.mutations.join('; ')}]`;
}

describe('the route fuzz', () => {
  it(
    `sends ${REQUESTS} generated requests (seed ${SEED}): never a 5xx, always the one error shape, nothing written when rejected`,
    async () => {
      const operations = operationsOf(doc);
      expect(operations.length).toBeGreaterThan(40);
      const requests = fc.sample(
        fc.constantFrom(...operations).chain((operation) => requestArb(doc, world, operation)),
        { seed: SEED, numRuns: REQUESTS },
      );

      const started = performance.now();
      const failures: Failure[] = [];
      const sentTo = new Map<string, number>();
      const statuses = new Map<string, Map<number, number>>();
      let snapshot: TableSnapshot = await tableSnapshot(t.db);
      let rejectedWrites = 0;
      // Reads write audit entries (ARCHITECTURE.md decision 82): a write is compared with the table as it was just before it.
      let readSinceSnapshot = false;
      for (const [index, request] of requests.entries()) {
        const { operation } = request;
        if (isWrite(operation) && readSinceSnapshot) snapshot = await tableSnapshot(t.db);
        readSinceSnapshot = !isWrite(operation);
        const answer = await send(request);
        const problems = problemsWith(operation, answer);
        if (isWrite(operation)) {
          const after = await tableSnapshot(t.db);
          if (answer.status >= 400 && answer.status < 500) {
            rejectedWrites++;
            const diff = withoutRateWindows(diffSnapshots(snapshot, after));
            if (!isEmptyDiff(diff)) {
              problems.push(
                `a rejected write changed the table: added ${JSON.stringify(diff.added)}, removed ${JSON.stringify(diff.removed)}, ` +
                  `changed ${JSON.stringify(diff.changed.map((c) => ({ key: c.key, before: c.before.slice(0, 400), after: c.after.slice(0, 400) })))}`,
              );
            }
          }
          if (answer.status < 300) {
            const diff = diffSnapshots(snapshot, after);
            for (const key of [...diff.added, ...diff.changed.map((c) => c.key)]) {
              // Only what this write stored: a bad string already in the item was an earlier write's.
              const before = new Set(snapshot.has(key) ? unplainStrings(snapshot.get(key)!).map((bad) => `${bad.at}=${bad.value}`) : []);
              for (const bad of unplainStrings(after.get(key)!)) {
                if (before.has(`${bad.at}=${bad.value}`) || KNOWN_UNPLAIN_FIELDS.has(bad.at)) continue;
                storedUnplain.push(`#${index} ${describeRequest(request)}\n    → ${answer.status} stored ${JSON.stringify(bad.value.slice(0, 60))} at ${key.split('#')[0]} ${bad.at}`);
              }
            }
          }
          snapshot = after;
        }
        // The dev clock is public in local mode: whatever a request did to it, the next starts from the same time.
        if (operation.path === '/v1/dev/clock') t.clock.set(new Date(START));
        sentTo.set(operation.key, (sentTo.get(operation.key) ?? 0) + 1);
        const byStatus = statuses.get(operation.key) ?? new Map<number, number>();
        byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
        statuses.set(operation.key, byStatus);
        if (problems.length > 0) {
          failures.push({ index, request: describeRequest(request), status: answer.status, answer: answer.text.slice(0, 300), problems });
        }
      }
      const seconds = (performance.now() - started) / 1000;

      const summary = `route fuzz: ${REQUESTS} requests over ${sentTo.size} operations (${rejectedWrites} rejected writes checked) in ${seconds.toFixed(1)} s, seed ${SEED}`;
      console.info(summary);
      if (VERBOSE) {
        for (const [key, byStatus] of [...statuses.entries()].sort()) {
          console.info(`${key}: ${[...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`);
        }
      }
      const report = [
        `${failures.length} of ${REQUESTS} requests failed. Replay: ${replayHint(SEED, { FUZZ_REQUESTS: REQUESTS })} npx vitest run test/shared/platform/fuzz.db.test.ts`,
        ...failures.slice(0, 40).map((f) => `#${f.index} ${f.request}\n    → ${f.status} ${f.answer}\n    ✗ ${f.problems.join('\n    ✗ ')}`),
      ].join('\n');
      expect(failures.length, report).toBe(0);
      // Every operation was called (with the default count each gets about 25 requests).
      if (REQUESTS >= operations.length * 10) expect([...sentTo.keys()].sort()).toEqual(operations.map((o) => o.key).sort());
    },
    Math.max(120_000, REQUESTS * 150),
  );

  /**
   * Found by this fuzz: a route limited by address keyed its window item on the last
   * X-Forwarded-For entry as sent, and one over about 2 KB passed DynamoDB's key limit (a 500).
   * The key is now a hash of the caller (shared/platform/rate-limit.ts).
   */
  it('a long X-Forwarded-For on a route limited by address is not a 500', async () => {
    const limited = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod)
        .filter(([, operation]) => (operation as { 'x-waymark-rate-limit'?: { by: string } })['x-waymark-rate-limit']?.by === 'address')
        .map(([method]) => ({ method, path })),
    );
    expect(limited.length).toBeGreaterThan(0);
    for (const { method, path } of limited) {
      for (const forwardedFor of ['a'.repeat(2_100), `203.0.113.7, ${'b'.repeat(5_000)}`, 'é'.repeat(1_100)]) {
        const res = await t.app.request(path, { method: method.toUpperCase(), headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: '{}' });
        expect(res.status, `${method.toUpperCase()} ${path} with a ${forwardedFor.length}-character X-Forwarded-For: ${await res.text()}`).toBeLessThan(500);
      }
    }
  });

  /** Found by this fuzz: a patient's `gpPractice` took NUL, escapes and half surrogate pairs. */
  it('a GP practice that is not plain text is a 400 on that field, at referral and on change', async () => {
    for (const gpPractice of ['Bute\u0000House', 'esc\u001b[31m', 'half \ud800 pair']) {
      const referral = await t.call('POST', '/v1/referrals', { as: 'navigator', body: JSON.stringify(referralBody({ patient: { gpPractice } })) });
      expect(referral.status, `referral with gpPractice ${JSON.stringify(gpPractice)}: ${referral.text}`).toBe(400);
      expect(referral.body.error.issues.map((i: { path: string }) => i.path)).toContain('patient.gpPractice');
      const change = await t.call('PATCH', `/v1/patients/${world.ids.patientId![0]}`, { as: 'navigator', body: JSON.stringify({ gpPractice }) });
      expect(change.status, `change to gpPractice ${JSON.stringify(gpPractice)}: ${change.text}`).toBe(400);
    }
  });

  it('stored only plain text: no control characters, no half surrogate pairs', () => {
    expect(storedUnplain.length, `${storedUnplain.length} writes stored text that is not plain:\n${storedUnplain.slice(0, 20).join('\n')}`).toBe(0);
  });
});
