import type { RuleContext } from '#shared/registry/rules';
import type { AmendAssessmentInput, AssessmentView, CreateAssessmentInput } from './schema';
import { ons4Bands, scoreSwemwbs } from './scoring';

export type AssessmentRecord = AssessmentView;

/** An assessment as recorded: the answers, their ONS4 bands and the SWEMWBS raw and metric scores. */
export function newAssessment(
  input: CreateAssessmentInput,
  context: { patientId: string; recordedBy: string },
  { clock, ids }: RuleContext,
): AssessmentRecord {
  return {
    assessmentId: ids.next(),
    patientId: context.patientId,
    kind: input.kind,
    ons4: input.ons4,
    ons4Bands: ons4Bands(input.ons4),
    ...(input.swemwbs ? { swemwbs: scoreSwemwbs(input.swemwbs) } : {}),
    ...(input.activeDays !== undefined ? { activeDays: input.activeDays } : {}),
    ...(input.selfCareConfidence !== undefined ? { selfCareConfidence: input.selfCareConfidence } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
    recordedAt: clock.now().toISOString(),
    recordedBy: context.recordedBy,
  };
}

/**
 * The assessment corrected: the new answers scored as at recording, and the answers they replace
 * kept in `amendments` (with when, who and why), so the original is never lost.
 */
export function amendAssessment(
  before: AssessmentRecord,
  input: AmendAssessmentInput,
  context: { amendedBy: string; now: Date },
): AssessmentRecord {
  const { ons4, swemwbs, activeDays, selfCareConfidence } = before;
  const previous = {
    ons4,
    ...(swemwbs ? { swemwbs } : {}),
    ...(activeDays !== undefined ? { activeDays } : {}),
    ...(selfCareConfidence !== undefined ? { selfCareConfidence } : {}),
  };
  const { swemwbs: _oldSwemwbs, activeDays: _oldActive, selfCareConfidence: _oldSelfCare, ...kept } = before;
  return {
    ...kept,
    ons4: input.ons4,
    ons4Bands: ons4Bands(input.ons4),
    ...(input.swemwbs ? { swemwbs: scoreSwemwbs(input.swemwbs) } : {}),
    ...(input.activeDays !== undefined ? { activeDays: input.activeDays } : {}),
    ...(input.selfCareConfidence !== undefined ? { selfCareConfidence: input.selfCareConfidence } : {}),
    revision: (before.revision ?? 0) + 1,
    amendments: [
      ...(before.amendments ?? []),
      { amendedAt: context.now.toISOString(), amendedBy: context.amendedBy, reason: input.reason, previous },
    ],
  };
}
