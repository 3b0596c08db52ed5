import { isAccreditedOn } from './accreditation';
import { addDays, isCalendarDate } from './dates';
import type { FieldMap, FormProblems } from './issues';
import { formatSchedule } from './schedule';
import { PRESCRIPTION_STATUS_LABELS } from './format';
import { DECLINE_REASONS, endReasonLabel } from './lifecycle';
import type { Activity, Category, CreatePrescription, Prescription, PrescriptionStatus, Provider, Venue } from './types';
import type { components } from '../../shared/openapi';

export const MIN_WEEKS = 4;
export const MAX_WEEKS = 16;
export const DEFAULT_WEEKS = 12;
export const MAX_GOALS = 10;
export const MAX_ACTIVITIES = 20;

export interface PrescriptionForm {
  startDate: string;
  weeks: string;
  /** One goal per line. */
  goals: string;
  activityIds: string[];
}

export const defaultPrescriptionForm = (today: string): PrescriptionForm => ({
  startDate: today,
  weeks: String(DEFAULT_WEEKS),
  goals: '',
  activityIds: [],
});

/** Goals, one per line: trimmed, blank lines dropped, a leading "-" or "•" bullet removed. */
export function parseGoals(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*[-•*]\s*/, '').trim())
    .filter((line) => line.length > 0);
}

export const PRESCRIPTION_FIELDS: FieldMap = {
  startDate: { id: 'startDate', label: 'Start date' },
  weeks: { id: 'weeks', label: 'Weeks' },
  goals: { id: 'goals', label: 'Goals' },
  activityIds: { id: 'activities', label: 'Activities' },
};

export const PRESCRIPTION_FIELD_ORDER = ['startDate', 'weeks', 'goals', 'activities'];

export function validatePrescription(form: PrescriptionForm): FormProblems {
  const fields: Record<string, string> = {};
  if (!form.startDate) fields.startDate = 'Enter the start date';
  else if (!isCalendarDate(form.startDate)) fields.startDate = 'Start date must be a real date';
  const weeks = form.weeks.trim();
  if (!/^\d+$/.test(weeks) || Number(weeks) < MIN_WEEKS || Number(weeks) > MAX_WEEKS) {
    fields.weeks = `Weeks must be a whole number from ${MIN_WEEKS} to ${MAX_WEEKS}`;
  }
  const goals = parseGoals(form.goals);
  if (goals.length === 0) fields.goals = 'Enter at least one goal, one per line';
  else if (goals.length > MAX_GOALS) fields.goals = `Enter at most ${MAX_GOALS} goals`;
  else if (goals.some((goal) => goal.length > 200)) fields.goals = 'Each goal must be 200 characters or fewer';
  if (form.activityIds.length === 0) fields.activities = 'Select at least one activity';
  else if (form.activityIds.length > MAX_ACTIVITIES) fields.activities = `Select at most ${MAX_ACTIVITIES} activities`;
  return { fields, general: [] };
}

/** The body of `POST /v1/prescriptions`. */
export function toCreatePrescription(patientId: string, form: PrescriptionForm): CreatePrescription {
  return {
    patientId,
    startDate: form.startDate,
    weeks: Number(form.weeks.trim()),
    goals: parseGoals(form.goals),
    activityIds: [...new Set(form.activityIds)],
  };
}

/** The last day of a prescription: start + 7 × weeks − 1 (before any pause). */
export function endDateOf(startDate: string, weeks: number): string {
  return addDays(startDate, 7 * weeks - 1);
}

/** The label of an activity's checkbox: "Health walk — Wardown Walkers, Wardown Park Pavilion". */
export function activityLabel(activityName: string, providerName: string, venueName: string): string {
  return `${activityName} — ${providerName}, ${venueName}`;
}

export interface ActivityOption {
  activityId: string;
  label: string;
  name: string;
  category: Category;
  providerId: string;
  providerName: string;
  venueId: string;
  venueName: string;
  /** When it runs each week: "Tuesdays 10:00–11:30, Thursdays 14:00–15:00". */
  when: string;
  /** Whether its provider is accredited on the start date (only these may be chosen). */
  selectable: boolean;
}

/** Every activity, labelled with its provider and venue, sorted by provider, venue and name. */
export function activityOptions(
  providers: readonly Provider[],
  venues: readonly Venue[],
  activities: readonly Activity[],
  startDate: string,
): ActivityOption[] {
  const providerById = new Map(providers.map((p) => [p.providerId, p]));
  const venueById = new Map(venues.map((v) => [v.venueId, v]));
  const options: ActivityOption[] = [];
  for (const activity of activities) {
    const provider = providerById.get(activity.providerId);
    if (!provider) continue;
    const venueName = venueById.get(activity.venueId)?.name ?? 'Unknown venue';
    options.push({
      activityId: activity.activityId,
      label: activityLabel(activity.name, provider.name, venueName),
      name: activity.name,
      category: activity.category,
      providerId: provider.providerId,
      providerName: provider.name,
      venueId: activity.venueId,
      venueName,
      when: formatSchedule(activity.schedule, 'No set times: ask the provider'),
      selectable: isCalendarDate(startDate) ? isAccreditedOn(provider.accreditation, startDate) : provider.accreditation.currentlyAccredited,
    });
  }
  const collator = new Intl.Collator('en-GB');
  return options.sort(
    (a, b) =>
      collator.compare(a.providerName, b.providerName) ||
      collator.compare(a.venueName, b.venueName) ||
      collator.compare(a.name, b.name),
  );
}

export interface ActivityFilter {
  category: Category | '';
  providerId: string;
  venueId: string;
}

export const noActivityFilter = (): ActivityFilter => ({ category: '', providerId: '', venueId: '' });

/** The options that match the filter (an empty filter value matches everything). */
export function filterActivityOptions(options: readonly ActivityOption[], filter: ActivityFilter): ActivityOption[] {
  return options.filter(
    (option) =>
      (!filter.category || option.category === filter.category) &&
      (!filter.providerId || option.providerId === filter.providerId) &&
      (!filter.venueId || option.venueId === filter.venueId),
  );
}

/** The venues to offer in the filter: those of the chosen provider, or all, without repeats. */
export function venueChoices(options: readonly ActivityOption[], providerId: string): { venueId: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const option of options) {
    if (providerId && option.providerId !== providerId) continue;
    if (!seen.has(option.venueId)) seen.set(option.venueId, providerId ? option.venueName : `${option.venueName} (${option.providerName})`);
  }
  return [...seen].map(([venueId, name]) => ({ venueId, name }));
}

export type PrescriptionAction = 'pause' | 'resume' | 'withdraw';

/** What a navigator may do to a prescription in each status. */
export function prescriptionActions(status: PrescriptionStatus): PrescriptionAction[] {
  switch (status) {
    case 'active':
      return ['pause', 'withdraw'];
    case 'paused':
      return ['resume', 'withdraw'];
    default:
      return [];
  }
}

export const ACTION_TARGET: Record<PrescriptionAction, PrescriptionStatus> = {
  pause: 'paused',
  resume: 'active',
  withdraw: 'withdrawn',
};

export const ACTION_LABELS: Record<PrescriptionAction, string> = {
  pause: 'Pause prescription',
  resume: 'Resume prescription',
  withdraw: 'Withdraw prescription',
};

/**
 * The status as the person at the door would find it: a prescription still `active` after its
 * end date (its follow-up not yet done) is refused at a scan, so the console says it has ended.
 */
export function shownPrescriptionStatus(
  p: Pick<Prescription, 'status' | 'startDate' | 'endDate'>,
  today: string,
): { label: string; tone: 'green' | 'yellow' | 'grey' | 'blue' } {
  if (p.status === 'active' && today > p.endDate) return { label: 'Ended, follow-up due', tone: 'blue' };
  if (p.status === 'active' && today < p.startDate) return { label: 'Not started yet', tone: 'grey' };
  return { label: PRESCRIPTION_STATUS_LABELS[p.status], tone: PRESCRIPTION_STATUS_TONES[p.status] };
}

const PRESCRIPTION_STATUS_TONES = { active: 'green', paused: 'yellow', withdrawn: 'grey', completed: 'blue' } as const;

export type WithdrawalReason = NonNullable<components['schemas']['ChangePrescription']['reason']>;

/** The reasons only a prescription's withdrawal has (the API's order), with their labels. */
const WITHDRAWAL_ONLY_REASONS: readonly { value: WithdrawalReason; label: string }[] = [
  { value: 'unwell', label: 'Too unwell to continue' },
  { value: 'activity_unsuitable', label: 'The activities did not suit them' },
  { value: 'activity_unavailable', label: 'The activities are no longer running' },
];

/**
 * Why a prescription is withdrawn, for the withdraw form's select: the referral's end reasons
 * with their labels (a withdrawal takes no note, so "other" is plain), then the prescription's
 * own, "Other" last.
 */
export const WITHDRAWAL_REASONS: readonly { value: WithdrawalReason; label: string }[] = [
  ...DECLINE_REASONS.filter((r) => r.value !== 'other'),
  ...WITHDRAWAL_ONLY_REASONS,
  { value: 'other', label: 'Other' },
];

/** "Too unwell to continue" for a withdrawal's code (or a referral's, when its close withdrew it); an unknown code as it is. */
export function withdrawalReasonLabel(reason: string | undefined): string {
  if (!reason) return '';
  return WITHDRAWAL_ONLY_REASONS.find((r) => r.value === reason)?.label ?? endReasonLabel(reason);
}

/** A prescription's status in words: "Withdrawn: Moved away" when it was withdrawn with a reason. */
export function prescriptionStatusText(p: Pick<Prescription, 'status' | 'withdrawalReason'>): string {
  return p.status === 'withdrawn' && p.withdrawalReason
    ? `${PRESCRIPTION_STATUS_LABELS.withdrawn}: ${withdrawalReasonLabel(p.withdrawalReason)}`
    : PRESCRIPTION_STATUS_LABELS[p.status];
}

export const WITHDRAW_FIELDS: FieldMap = { reason: { id: 'withdrawReason', label: 'Reason' } };
export const WITHDRAW_FIELD_ORDER = ['withdrawReason'];

/** The console's check of a withdrawal: a reason from the list, always (the API takes none, but evaluators need one). */
export function validateWithdrawal(reason: string): FormProblems {
  const fields: Record<string, string> = {};
  if (!reason) fields.withdrawReason = 'Select why the prescription is withdrawn';
  else if (!WITHDRAWAL_REASONS.some((r) => r.value === reason)) fields.withdrawReason = 'Select a reason from the list';
  return { fields, general: [] };
}

/** The body of `PATCH /v1/prescriptions/{id}` that withdraws it, with its reason. */
export function toWithdrawBody(reason: string): { status: 'withdrawn'; reason: WithdrawalReason } {
  return { status: 'withdrawn', reason: reason as WithdrawalReason };
}
