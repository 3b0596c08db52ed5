import { describe, expect, it } from 'vitest';
import {
  ONS4_QUESTIONS,
  SWEMWBS_INTRO,
  SWEMWBS_ITEMS,
  SWEMWBS_RESPONSES,
  emptyAssessmentForm,
  savedAssessmentMessage,
  ons4FieldId,
  swemwbsFieldId,
  toAssessmentInput,
  toCreateAssessment,
  validateAssessment,
  type AssessmentForm,
} from '../../../web/console/lib/assessment';

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
