import { formatChange, formatNumber } from './format';
import type { FieldMap, FormProblems } from './issues';
import type { AmendAssessment, Assessment, AssessmentInput, CreateAssessment, Ons4Input, RecordedAssessment } from './types';

/**
 * The wellbeing assessment: ONS4 personal wellbeing and SWEMWBS, worded exactly as their owners
 * publish them, plus physical activity and self-care confidence.
 */
export type Ons4Key = keyof Ons4Input;

export const ONS4_QUESTIONS: readonly { key: Ons4Key; question: string; short: string }[] = [
  { key: 'satisfied', question: 'Overall, how satisfied are you with your life nowadays?', short: 'Life satisfaction' },
  {
    key: 'worthwhile',
    question: 'Overall, to what extent do you feel that the things you do in your life are worthwhile?',
    short: 'Worthwhile',
  },
  { key: 'happy', question: 'Overall, how happy did you feel yesterday?', short: 'Happiness' },
  {
    key: 'anxious',
    question:
      "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', overall, how anxious did you feel yesterday?",
    short: 'Anxiety',
  },
];

export const ONS4_HINT = 'Answer from 0 to 10, where 0 is "not at all" and 10 is "completely".';
export const ONS4_SCALE = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;

export const SWEMWBS_INTRO =
  'Below are some statements about feelings and thoughts. Please select the answer that best describes your experience of each over the last 2 weeks';

export const SWEMWBS_ITEMS = [
  "I've been feeling optimistic about the future",
  "I've been feeling useful",
  "I've been feeling relaxed",
  "I've been dealing with problems well",
  "I've been thinking clearly",
  "I've been feeling close to other people",
  "I've been able to make up my own mind about things",
] as const;

export const SWEMWBS_RESPONSES = [
  { value: '1', label: 'None of the time' },
  { value: '2', label: 'Rarely' },
  { value: '3', label: 'Some of the time' },
  { value: '4', label: 'Often' },
  { value: '5', label: 'All of the time' },
] as const;

export interface AssessmentForm {
  kind: CreateAssessment['kind'];
  /** '' until answered, then '0'–'10'. */
  ons4: Record<Ons4Key, string>;
  /** Seven answers, '' or '1'–'5'. */
  swemwbs: string[];
  activeDays: string;
  selfCareConfidence: string;
  notes: string;
}

export const emptyAssessmentForm = (kind: CreateAssessment['kind'] = 'baseline'): AssessmentForm => ({
  kind,
  ons4: { satisfied: '', worthwhile: '', happy: '', anxious: '' },
  swemwbs: SWEMWBS_ITEMS.map(() => ''),
  activeDays: '',
  selfCareConfidence: '',
  notes: '',
});

/** Input ids: the first radio of each group carries the group's id, so an error can link to it. */
export const ons4FieldId = (key: Ons4Key) => `ons4-${key}`;
export const swemwbsFieldId = (index: number) => `swemwbs-${index + 1}`;

/** Where the API's issues for an assessment belong (follow-ups wrap it: prefix `assessment`). */
export const ASSESSMENT_FIELDS: FieldMap = {
  kind: { id: 'kind', label: 'Type of assessment' },
  ...Object.fromEntries(ONS4_QUESTIONS.map((q) => [`ons4.${q.key}`, { id: ons4FieldId(q.key), label: q.short }])),
  ons4: { id: ons4FieldId('satisfied'), label: 'Personal wellbeing' },
  swemwbs: { id: swemwbsFieldId(0), label: 'Wellbeing statements' },
  ...Object.fromEntries(
    SWEMWBS_ITEMS.map((item, index) => [`swemwbs.${index}`, { id: swemwbsFieldId(index), label: `“${item}”` }]),
  ),
  activeDays: { id: 'activeDays', label: 'Active days last week' },
  selfCareConfidence: { id: 'selfCareConfidence', label: 'Confidence to look after own health' },
  notes: { id: 'notes', label: 'Notes' },
};

export const ASSESSMENT_FIELD_ORDER = [
  'kind',
  ...ONS4_QUESTIONS.map((q) => ons4FieldId(q.key)),
  ...SWEMWBS_ITEMS.map((_, index) => swemwbsFieldId(index)),
  'activeDays',
  'selfCareConfidence',
  'notes',
];

/** A whole number in [min, max] typed into a box, or undefined (and `bad`) when it is not one. */
function wholeNumber(text: string, min: number, max: number): { value?: number; bad: boolean } {
  const trimmed = text.trim();
  if (!trimmed) return { bad: false };
  if (!/^\d+$/.test(trimmed)) return { bad: true };
  const value = Number(trimmed);
  return value >= min && value <= max ? { value, bad: false } : { bad: true };
}

export function validateAssessment(form: AssessmentForm): FormProblems {
  const fields: Record<string, string> = {};
  for (const q of ONS4_QUESTIONS) {
    if (!ONS4_SCALE.includes(form.ons4[q.key] as (typeof ONS4_SCALE)[number])) {
      fields[ons4FieldId(q.key)] = `Select an answer from 0 to 10 for “${q.question}”`;
    }
  }
  const answered = form.swemwbs.filter((answer) => answer !== '').length;
  if (answered > 0 && answered < SWEMWBS_ITEMS.length) {
    form.swemwbs.forEach((answer, index) => {
      if (answer === '') {
        fields[swemwbsFieldId(index)] = `Select an answer for “${SWEMWBS_ITEMS[index]}”, or leave all 7 statements blank`;
      }
    });
  }
  if (wholeNumber(form.activeDays, 0, 7).bad) fields.activeDays = 'Active days last week must be a whole number from 0 to 7';
  if (wholeNumber(form.selfCareConfidence, 0, 10).bad) {
    fields.selfCareConfidence = 'Confidence to look after own health must be a whole number from 0 to 10';
  }
  if (form.notes.length > 2000) fields.notes = 'Notes must be 2000 characters or fewer';
  return { fields, general: [] };
}

/** The assessment as the API takes it (call validateAssessment first). */
export function toAssessmentInput(form: AssessmentForm): AssessmentInput {
  const input: AssessmentInput = {
    ons4: {
      satisfied: Number(form.ons4.satisfied),
      worthwhile: Number(form.ons4.worthwhile),
      happy: Number(form.ons4.happy),
      anxious: Number(form.ons4.anxious),
    },
  };
  if (form.swemwbs.every((answer) => answer !== '')) input.swemwbs = form.swemwbs.map(Number);
  const activeDays = wholeNumber(form.activeDays, 0, 7).value;
  if (activeDays !== undefined) input.activeDays = activeDays;
  const confidence = wholeNumber(form.selfCareConfidence, 0, 10).value;
  if (confidence !== undefined) input.selfCareConfidence = confidence;
  const notes = form.notes.trim();
  if (notes) input.notes = notes;
  return input;
}

/** The body of `POST /v1/patients/{patientId}/assessments`. */
export function toCreateAssessment(form: AssessmentForm): CreateAssessment {
  return { kind: form.kind, ...toAssessmentInput(form) };
}

export const ASSESSMENT_KIND_LABELS: Record<CreateAssessment['kind'], string> = {
  baseline: 'Baseline',
  follow_up: 'Follow-up',
};

export const ONS4_BAND_LABELS: Record<string, string> = {
  very_low: 'very low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  very_high: 'very high',
};

/**
 * What the navigator is told once an assessment is saved: for a follow-up, whether it completed
 * the person's follow-up (and so their prescription) or stands alone, and why.
 */
export function savedAssessmentMessage(saved: Pick<RecordedAssessment, 'kind' | 'attachedTo'>, formatDate: (instant: string) => string): string {
  if (saved.kind === 'baseline') return 'Baseline assessment saved.';
  const attached = saved.attachedTo;
  if (attached?.kind === 'follow_up') {
    return 'Follow-up assessment saved. It completed this person’s follow-up and their prescription, and is paired with their baseline in the reports.';
  }
  if (attached?.reason === 'not_yet_due' && attached.dueAt) {
    return (
      `Follow-up assessment saved on its own: this person’s follow-up is not due until ${formatDate(attached.dueAt)}, so their ` +
      'prescription carries on. If this was their follow-up, complete it from the Follow-ups inbox instead.'
    );
  }
  return 'Follow-up assessment saved on its own: no follow-up is open for this person, so it is not paired with a baseline in the reports.';
}

/** The amendment form: the assessment's answers (notes are not amendable) and why they are corrected. */
export interface AmendmentForm extends AssessmentForm {
  reason: string;
}

/** The form filled with a recorded assessment's answers, ready to correct. */
export function formFromAssessment(assessment: Assessment): AmendmentForm {
  const text = (value: number | undefined) => (value === undefined ? '' : String(value));
  return {
    kind: assessment.kind,
    ons4: {
      satisfied: String(assessment.ons4.satisfied),
      worthwhile: String(assessment.ons4.worthwhile),
      happy: String(assessment.ons4.happy),
      anxious: String(assessment.ons4.anxious),
    },
    swemwbs: assessment.swemwbs ? assessment.swemwbs.items.map(String) : SWEMWBS_ITEMS.map(() => ''),
    activeDays: text(assessment.activeDays),
    selfCareConfidence: text(assessment.selfCareConfidence),
    notes: '',
    reason: '',
  };
}

export function validateAmendment(form: AmendmentForm): FormProblems {
  const problems = validateAssessment({ ...form, notes: '' });
  const reason = form.reason.trim();
  if (!reason) problems.fields.reason = 'Say why the assessment is being corrected';
  else if (reason.length > 500) problems.fields.reason = 'The reason must be 500 characters or fewer';
  return problems;
}

/** The body of `POST /v1/patients/{patientId}/assessments/{assessmentId}/amendments` (validate first). */
export function toAmendment(form: AmendmentForm): AmendAssessment {
  const { notes: _notes, ...answers } = toAssessmentInput({ ...form, notes: '' });
  return { ...answers, reason: form.reason.trim() };
}

export const AMENDMENT_FIELDS: FieldMap = { ...ASSESSMENT_FIELDS, reason: { id: 'reason', label: 'Why it is being corrected' } };
export const AMENDMENT_FIELD_ORDER = [...ASSESSMENT_FIELD_ORDER.filter((id) => id !== 'notes' && id !== 'kind'), 'reason'];

/**
 * The smallest change in the SWEMWBS metric score that counts as meaningful for one person: the
 * conservative end of the 1–3 point range Warwick Medical School publishes for SWEMWBS.
 */
export const SWEMWBS_MEANINGFUL_CHANGE = 3;

export interface MeasureShift {
  label: string;
  baseline: number;
  followUp: number;
  change: number;
  /** Whether a higher score is better (anxiety is the one where lower is better). */
  higherIsBetter: boolean;
  /** Whether the change reaches a published meaningful-change threshold; undefined where none is published. */
  meaningful?: boolean;
}

export interface PersonWellbeingChange {
  baseline: Assessment;
  followUp: Assessment;
  measures: MeasureShift[];
}

/**
 * A person's wellbeing change: their latest follow-up against the latest baseline recorded before
 * it (a re-referred person may have several episodes, each with its own pair). Undefined until a
 * follow-up has a baseline to compare with.
 */
export function personWellbeingChange(assessments: readonly Assessment[]): PersonWellbeingChange | undefined {
  const ordered = [...assessments].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  const followUp = ordered.filter((a) => a.kind === 'follow_up').at(-1);
  if (!followUp) return undefined;
  const baseline = ordered.filter((a) => a.kind === 'baseline' && a.recordedAt <= followUp.recordedAt).at(-1);
  if (!baseline) return undefined;
  const shift = (label: string, from: number, to: number, higherIsBetter: boolean, threshold?: number): MeasureShift => {
    const change = Math.round((to - from) * 100) / 100;
    return {
      label,
      baseline: from,
      followUp: to,
      change,
      higherIsBetter,
      ...(threshold === undefined ? {} : { meaningful: Math.abs(change) >= threshold }),
    };
  };
  const measures: MeasureShift[] = [];
  if (baseline.swemwbs && followUp.swemwbs) {
    measures.push(shift('SWEMWBS (metric)', baseline.swemwbs.metricScore, followUp.swemwbs.metricScore, true, SWEMWBS_MEANINGFUL_CHANGE));
  }
  for (const q of ONS4_QUESTIONS) measures.push(shift(q.short, baseline.ons4[q.key], followUp.ons4[q.key], q.key !== 'anxious'));
  return { baseline, followUp, measures };
}

/** Whether a change is better, worse or neither for the person, given which way is better. */
export function changeDirection(measure: Pick<MeasureShift, 'change' | 'higherIsBetter'>): 'better' | 'worse' | 'same' {
  if (measure.change === 0) return 'same';
  return measure.change > 0 === measure.higherIsBetter ? 'better' : 'worse';
}

/** One sentence for the follow-up's confirmation: the SWEMWBS change and whether it is meaningful. */
export function wellbeingChangeSentence(change: PersonWellbeingChange | undefined): string | undefined {
  const swemwbs = change?.measures.find((m) => m.meaningful !== undefined);
  if (!swemwbs) return undefined;
  const direction = changeDirection(swemwbs);
  const verdict = swemwbs.meaningful
    ? `a meaningful ${direction === 'better' ? 'improvement' : 'decline'} (${SWEMWBS_MEANINGFUL_CHANGE} points or more)`
    : `less than the ${SWEMWBS_MEANINGFUL_CHANGE} points that count as a meaningful change`;
  return `SWEMWBS went from ${formatNumber(swemwbs.baseline, 1)} to ${formatNumber(swemwbs.followUp, 1)} (${formatChange(swemwbs.change, 1)}): ${verdict}.`;
}
