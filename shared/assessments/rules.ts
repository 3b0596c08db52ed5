import type { RuleContext } from '../registry/rules';
import type { AssessmentView, CreateAssessmentInput } from './schema';
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
