import { decodeTime, encodeTime } from 'ulid';
import type { Principal } from '#shared/platform/auth';
import type { AuditRefs, PatientAction } from '#shared/platform/audit';
import type { FieldIssue } from '#shared/platform/errors';
import { ULID_PATTERN } from '#shared/platform/ids';
import type { TransactItem } from '#shared/platform/transactions';

/**
 * How long an entry is kept: ten years from the access (decision 82). The Records Management Code
 * of Practice keeps an adult's health and care record eight years after their care ends; an entry
 * made during an episode must outlive the record it is about, and ten years covers the end of care
 * up to two years after the access. DynamoDB's TTL (`ttl`, epoch seconds) deletes it after that.
 */
export const AUDIT_RETENTION_YEARS = 10;

export function auditExpiry(at: Date): number {
  const end = new Date(at);
  end.setUTCFullYear(end.getUTCFullYear() + AUDIT_RETENTION_YEARS);
  return Math.floor(end.getTime() / 1000);
}

/**
 * Who an entry says acted: a signed-in person (their `sub` and role), or the system acting for
 * someone who has no account. The public referral form is such an actor: `public_form`, role
 * `public` — it names no sender (no referrer's name, email or address), only that the form did it;
 * the entry's request id ties it to the request's log line (decision 82).
 */
export type AuditActor = Principal | SystemActor;
export interface SystemActor {
  readonly sub: 'public_form';
  readonly role: 'public';
}
export const PUBLIC_FORM_ACTOR: SystemActor = { sub: 'public_form', role: 'public' };

/** Every role an entry may carry: the four of the people who sign in, and `public` for the public form. */
export const AUDIT_ROLES = ['provider', 'navigator', 'manager', 'admin', 'public'] as const satisfies readonly (Principal['role'] | SystemActor['role'])[];
export type AuditRole = AuditActor['role'];

/** The stored entry (the view plus its expiry). */
export interface AuditEntryRecord {
  entryId: string;
  at: string;
  actor: string;
  role: AuditRole;
  action: PatientAction;
  patientId?: string;
  requestId: string;
  refs?: AuditRefs;
  records?: string[];
  providerId?: string;
  ttl: number;
}

/** Who is asking, in which request: what every entry needs from the route. */
export interface AuditRequest {
  principal: AuditActor;
  requestId: string;
}

const CARD_ID = /^[0-9A-Za-z-]{8,32}$/;
const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** Codes and lists of field names: lower camel or snake case words, comma-separated. */
const CODES = /^[a-z][a-zA-Z0-9_]{0,39}(,[a-z][a-zA-Z0-9_]{0,39}){0,19}$/;

/**
 * Only ids, codes, counts and dates go into an entry. A value of any other shape is dropped rather
 * than stored: a call site that passed a name or a note by mistake loses that field, never leaks it.
 * (Card numbers are opaque and carry no personal data, decision 25's brief.)
 */
export function safeRefs(refs: AuditRefs | undefined): AuditRefs | undefined {
  if (!refs) return undefined;
  const kept = Object.entries(refs).filter(([key, value]) => {
    if (!/^[a-zA-Z][a-zA-Z0-9]{0,39}$/.test(key)) return false;
    if (typeof value === 'number') return Number.isFinite(value);
    if (ULID_PATTERN.test(value) || INSTANT_OR_DATE.test(value)) return true;
    if (key === 'cardId') return CARD_ID.test(value);
    return CODES.test(value);
  });
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

export function newAuditEntry(
  request: AuditRequest,
  facts: { action: PatientAction; patientId?: string | undefined; refs?: AuditRefs | undefined; records?: string[] | undefined },
  entryId: string,
): AuditEntryRecord {
  const at = new Date(decodeTime(entryId));
  const refs = safeRefs(facts.refs);
  const { principal } = request;
  return {
    entryId,
    at: at.toISOString(),
    actor: principal.sub,
    role: principal.role,
    action: facts.action,
    ...(facts.patientId ? { patientId: facts.patientId } : {}),
    requestId: request.requestId,
    ...(refs ? { refs } : {}),
    ...(facts.records && facts.records.length > 0 ? { records: facts.records } : {}),
    ...(principal.role === 'provider' ? { providerId: principal.providerId } : {}),
    ttl: auditExpiry(at),
  };
}

const PATIENT_PARTITION = /^PATIENT#([0-9A-HJKMNP-TV-Z]{26})$/;
const RECORD_SORT_KEY = /^[A-Z]+(#[0-9A-HJKMNP-TV-Z]{26})*(#[A-Z]+)?$/;

function keyOf(item: TransactItem): Record<string, unknown> | undefined {
  return item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key;
}

/** The one patient whose record a transaction touches, if exactly one (a change found by referral, card or prescription id). */
export function patientOfTransaction(items: readonly TransactItem[]): string | undefined {
  const patients = new Set<string>();
  for (const item of items) {
    const match = PATIENT_PARTITION.exec(String(keyOf(item)?.PK ?? ''));
    if (match) patients.add(match[1]!);
  }
  return patients.size === 1 ? [...patients][0] : undefined;
}

/** What a transaction writes in one patient's record, as sort keys (item kinds and ids: `CONTACT#01J…`); condition checks are not writes. */
export function recordsWritten(items: readonly TransactItem[], patientId: string): string[] {
  const written: string[] = [];
  for (const item of items) {
    if (item.ConditionCheck) continue;
    const key = keyOf(item);
    if (key?.PK !== `PATIENT#${patientId}`) continue;
    const sortKey = String(key.SK ?? '');
    if (RECORD_SORT_KEY.test(sortKey) && !written.includes(sortKey)) written.push(sortKey);
  }
  return written;
}

/** How far back the actor query looks when no `from` is given. */
export const DEFAULT_RANGE_DAYS = 30;

/**
 * A time range as the ULID bounds of the entries made in it: `from` inclusive, `to` exclusive
 * (default: the 30 days up to now). Field-level issues for a range that is empty or backwards.
 */
export function entryIdRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
): { kind: 'range'; lowId: string; highId: string; from: string; to: string } | { kind: 'invalid'; issues: FieldIssue[] } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * 86_400_000);
  const issues: FieldIssue[] = [];
  const earliest = Date.UTC(2000, 0, 1);
  if (from.getTime() < earliest) issues.push({ in: 'query', path: 'from', code: 'out_of_range', message: 'from must be in the year 2000 or later' });
  if (to.getTime() < earliest) issues.push({ in: 'query', path: 'to', code: 'out_of_range', message: 'to must be in the year 2000 or later' });
  if (issues.length === 0 && from.getTime() >= to.getTime()) {
    issues.push({ in: 'query', path: query.from ? 'from' : 'to', code: 'invalid_range', message: 'from must be before to' });
  }
  if (issues.length > 0) return { kind: 'invalid', issues };
  return {
    kind: 'range',
    lowId: `${encodeTime(from.getTime(), 10)}${'0'.repeat(16)}`,
    highId: `${encodeTime(to.getTime() - 1, 10)}${'Z'.repeat(16)}`,
    from: from.toISOString(),
    to: to.toISOString(),
  };
}
