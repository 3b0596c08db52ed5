import { describe, expect, it } from 'vitest';
import {
  ONS4_QUESTIONS,
  SWEMWBS_INTRO,
  SWEMWBS_ITEMS,
  SWEMWBS_RESPONSES,
  changeDirection,
  emptyAssessmentForm,
  formFromAssessment,
  personWellbeingChange,
  savedAssessmentMessage,
  toAmendment,
  validateAmendment,
  wellbeingChangeSentence,
  ons4FieldId,
  swemwbsFieldId,
  toAssessmentInput,
  toCreateAssessment,
  validateAssessment,
  type AssessmentForm,
} from '../../../web/console/lib/assessment';
import type { Assessment } from '../../../web/console/lib/types';

const answered = (changes: Partial<AssessmentForm> = {}): AssessmentForm => ({
  ...emptyAssessmentForm(),
  ons4: { satisfied: '3', worthwhile: '5', happy: '4', anxious: '8' },
  ...changes,
});

describe('the wellbeing assessment', () => {
  it('asks the ONS4 and SWEMWBS questions in their published wording and order', () => {
    expect(ONS4_QUESTIONS.map((q) => q.question)).toEqual([
      'Overall, how satisfied are you with your life nowadays?',
      'Overall, to what extent do you feel that the things you do in your life are worthwhile?',
      'Overall, how happy did you feel yesterday?',
      "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', overall, how anxious did you feel yesterday?",
    ]);
    expect(SWEMWBS_INTRO).toBe(
      'Below are some statements about feelings and thoughts. Please select the answer that best describes your experience of each over the last 2 weeks',
    );
    expect(SWEMWBS_ITEMS).toEqual([
      "I've been feeling optimistic about the future",
      "I've been feeling useful",
      "I've been feeling relaxed",
      "I've been dealing with problems well",
      "I've been thinking clearly",
      "I've been feeling close to other people",
      "I've been able to make up my own mind about things",
    ]);
    expect(SWEMWBS_RESPONSES.map((r) => `${r.value} ${r.label}`)).toEqual([
      '1 None of the time',
      '2 Rarely',
      '3 Some of the time',
      '4 Often',
      '5 All of the time',
    ]);
  });

  it('needs all four ONS4 answers', () => {
    const problems = validateAssessment({ ...emptyAssessmentForm(), ons4: { satisfied: '0', worthwhile: '', happy: '10', anxious: '11' } });
    expect(Object.keys(problems.fields).sort()).toEqual([ons4FieldId('anxious'), ons4FieldId('worthwhile')].sort());
    expect(validateAssessment(answered()).fields).toEqual({});
  });

  it('takes SWEMWBS all or nothing, and names the statements left out', () => {
    const swemwbs = ['4', '4', '', '3', '3', '', '5'];
    const problems = validateAssessment(answered({ swemwbs }));
    expect(Object.keys(problems.fields)).toEqual([swemwbsFieldId(2), swemwbsFieldId(5)]);
    expect(problems.fields[swemwbsFieldId(2)]).toContain("I've been feeling relaxed");
  });

  it('checks the optional numbers', () => {
    expect(validateAssessment(answered({ activeDays: '8' })).fields.activeDays).toMatch(/0 to 7/);
    expect(validateAssessment(answered({ activeDays: '2.5' })).fields.activeDays).toMatch(/whole number/);
    expect(validateAssessment(answered({ selfCareConfidence: '11' })).fields.selfCareConfidence).toMatch(/0 to 10/);
    expect(validateAssessment(answered({ activeDays: ' 0 ', selfCareConfidence: '10' })).fields).toEqual({});
  });

  it('maps to the API body: numbers, SWEMWBS only when complete, blanks left out', () => {
    expect(toCreateAssessment(answered())).toEqual({ kind: 'baseline', ons4: { satisfied: 3, worthwhile: 5, happy: 4, anxious: 8 } });
    expect(
      toAssessmentInput(answered({ swemwbs: ['2', '3', '2', '2', '3', '3', '3'], activeDays: '0', selfCareConfidence: '6', notes: '  Better  ' })),
    ).toEqual({
      ons4: { satisfied: 3, worthwhile: 5, happy: 4, anxious: 8 },
      swemwbs: [2, 3, 2, 2, 3, 3, 3],
      activeDays: 0,
      selfCareConfidence: 6,
      notes: 'Better',
    });
    expect(toCreateAssessment({ ...answered(), kind: 'follow_up' }).kind).toBe('follow_up');
  });
});

describe('savedAssessmentMessage', () => {
  const date = (instant: string) => instant.slice(0, 10);
  it('a baseline is simply saved', () => {
    expect(savedAssessmentMessage({ kind: 'baseline' }, date)).toBe('Baseline assessment saved.');
  });
  it('a follow-up says it completed the follow-up and the prescription', () => {
    const message = savedAssessmentMessage({ kind: 'follow_up', attachedTo: { kind: 'follow_up', followUpId: 'F', prescriptionId: 'P' } }, date);
    expect(message).toMatch(/completed this person’s follow-up and their prescription/);
  });
  it('one not yet due says when it is due and where to complete it instead', () => {
    const message = savedAssessmentMessage(
      { kind: 'follow_up', attachedTo: { kind: 'none', reason: 'not_yet_due', followUpId: 'F', dueAt: '2026-05-25T08:00:00Z' } },
      date,
    );
    expect(message).toMatch(/not due until 2026-05-25/);
    expect(message).toMatch(/Follow-ups inbox/);
  });
  it('one with nothing open says it stands alone', () => {
    expect(savedAssessmentMessage({ kind: 'follow_up', attachedTo: { kind: 'none', reason: 'none_open' } }, date)).toMatch(/on its own: no follow-up is open/);
  });
});

const recorded = (changes: Partial<Assessment>): Assessment => ({
  assessmentId: '01JAAAAAAAAAAAAAAAAAAAAAAA',
  patientId: '01JBBBBBBBBBBBBBBBBBBBBBBB',
  kind: 'baseline',
  ons4: { satisfied: 4, worthwhile: 5, happy: 3, anxious: 7 },
  ons4Bands: { satisfied: 'low', worthwhile: 'medium', happy: 'low', anxious: 'high' },
  recordedAt: '2026-03-02T10:00:00Z',
  recordedBy: 'nav-1',
  ...changes,
});
const swemwbs = (items: number[], metricScore: number) => ({ items, rawTotal: items.reduce((a, b) => a + b, 0), metricScore });

describe('correcting an assessment', () => {
  it('fills the form with the recorded answers, leaves notes out and asks for a reason', () => {
    const form = formFromAssessment(recorded({ swemwbs: swemwbs([2, 3, 2, 2, 3, 3, 3], 17.98), activeDays: 0, notes: 'private' }));
    expect(form.ons4).toEqual({ satisfied: '4', worthwhile: '5', happy: '3', anxious: '7' });
    expect(form.swemwbs).toEqual(['2', '3', '2', '2', '3', '3', '3']);
    expect(form.activeDays).toBe('0');
    expect(form.selfCareConfidence).toBe('');
    expect(form.notes).toBe('');
    expect(validateAmendment(form).fields).toEqual({ reason: 'Say why the assessment is being corrected' });
    expect(validateAmendment({ ...form, reason: 'x'.repeat(501) }).fields.reason).toMatch(/500 characters/);
  });

  it('sends the corrected answers in full with the reason, never notes', () => {
    const form = { ...formFromAssessment(recorded({ notes: 'kept as it was' })), reason: '  Entered against the wrong question ' };
    form.ons4.happy = '6';
    const body = toAmendment({ ...form, notes: 'typed anyway' });
    expect(body).toEqual({ ons4: { satisfied: 4, worthwhile: 5, happy: 6, anxious: 7 }, reason: 'Entered against the wrong question' });
  });

  it('keeps the answer checks of a new assessment', () => {
    const form = { ...formFromAssessment(recorded({})), reason: 'typo' };
    form.ons4.satisfied = '';
    expect(Object.keys(validateAmendment(form).fields)).toEqual([ons4FieldId('satisfied')]);
  });
});

describe('the person’s wellbeing change', () => {
  const baseline = recorded({ swemwbs: swemwbs([2, 2, 2, 2, 2, 2, 2], 15.32) });
  const followUp = recorded({
    assessmentId: '01JCCCCCCCCCCCCCCCCCCCCCCC',
    kind: 'follow_up',
    recordedAt: '2026-06-01T10:00:00Z',
    ons4: { satisfied: 6, worthwhile: 5, happy: 2, anxious: 4 },
    swemwbs: swemwbs([3, 3, 3, 3, 3, 3, 3], 19.25),
  });

  it('is nothing until a follow-up has a baseline before it', () => {
    expect(personWellbeingChange([baseline])).toBeUndefined();
    expect(personWellbeingChange([followUp])).toBeUndefined();
    expect(personWellbeingChange([{ ...baseline, recordedAt: '2026-07-01T10:00:00Z' }, followUp])).toBeUndefined();
  });

  it('compares the latest follow-up with the latest baseline before it, measure by measure', () => {
    const earlierEpisode = recorded({ assessmentId: '01JDDDDDDDDDDDDDDDDDDDDDDD', recordedAt: '2025-01-01T10:00:00Z', swemwbs: swemwbs([1, 1, 1, 1, 1, 1, 1], 7) });
    const change = personWellbeingChange([followUp, earlierEpisode, baseline])!;
    expect(change.baseline.assessmentId).toBe(baseline.assessmentId);
    expect(change.measures.map((m) => [m.label, m.baseline, m.followUp, m.change, m.meaningful])).toEqual([
      ['SWEMWBS (metric)', 15.32, 19.25, 3.93, true],
      ['Life satisfaction', 4, 6, 2, undefined],
      ['Worthwhile', 5, 5, 0, undefined],
      ['Happiness', 3, 2, -1, undefined],
      ['Anxiety', 7, 4, -3, undefined],
    ]);
    expect(change.measures.map(changeDirection)).toEqual(['better', 'better', 'same', 'worse', 'better']);
  });

  it('marks SWEMWBS meaningful at 3 metric points either way, and not below', () => {
    const at = (metric: number) =>
      personWellbeingChange([baseline, { ...followUp, swemwbs: swemwbs([3, 3, 3, 3, 3, 3, 3], metric) }])!.measures[0]!;
    expect(at(18.32).meaningful).toBe(true);
    expect(at(18.31).meaningful).toBe(false);
    expect(at(12.32).meaningful).toBe(true);
    expect(changeDirection(at(12.32))).toBe('worse');
  });

  it('leaves SWEMWBS out when either side did not answer it', () => {
    const change = personWellbeingChange([{ ...baseline, swemwbs: undefined }, followUp])!;
    expect(change.measures.map((m) => m.label)).toEqual(['Life satisfaction', 'Worthwhile', 'Happiness', 'Anxiety']);
    expect(wellbeingChangeSentence(change)).toBeUndefined();
  });

  it('says in one sentence whether the SWEMWBS change is meaningful', () => {
    expect(wellbeingChangeSentence(personWellbeingChange([baseline, followUp]))).toBe(
      'SWEMWBS went from 15.3 to 19.3 (+3.9): a meaningful improvement (3 points or more).',
    );
    const small = { ...followUp, swemwbs: swemwbs([2, 2, 2, 3, 2, 2, 2], 16.36) };
    expect(wellbeingChangeSentence(personWellbeingChange([baseline, small]))).toBe(
      'SWEMWBS went from 15.3 to 16.4 (+1.0): less than the 3 points that count as a meaningful change.',
    );
  });
});
