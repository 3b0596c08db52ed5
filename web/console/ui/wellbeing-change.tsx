import { SWEMWBS_MEANINGFUL_CHANGE, changeDirection, type PersonWellbeingChange } from '../lib/assessment';
import { formatInstantDate } from '../lib/dates';
import { formatChange, formatNumber } from '../lib/format';

const DIRECTION_LABELS = { better: 'better', worse: 'worse', same: 'no change' } as const;

/**
 * The person's change between their baseline and their latest follow-up, measure by measure, with
 * SWEMWBS's published meaningful-change threshold marked. ONS publishes no such threshold for one
 * person's ONS4 answers, so those changes are shown as they are.
 */
export function WellbeingChangeTable(props: { change: PersonWellbeingChange }) {
  const { change } = props;
  return (
    <div class="table-wrap">
      <table class="table table--numbers" data-testid="wellbeing-change">
        <caption class="table__caption">
          Change since baseline: {formatInstantDate(change.baseline.recordedAt, 'short')} to{' '}
          {formatInstantDate(change.followUp.recordedAt, 'short')}
        </caption>
        <thead>
          <tr>
            <th scope="col" class="text">
              Measure
            </th>
            <th scope="col">Baseline</th>
            <th scope="col">Follow-up</th>
            <th scope="col">Change</th>
            <th scope="col" class="text">
              Meaning
            </th>
          </tr>
        </thead>
        <tbody>
          {change.measures.map((measure) => {
            const decimals = measure.meaningful === undefined ? 0 : 1;
            const direction = changeDirection(measure);
            return (
              <tr key={measure.label}>
                <th scope="row" class="text">
                  {measure.label}
                </th>
                <td>{formatNumber(measure.baseline, decimals)}</td>
                <td>{formatNumber(measure.followUp, decimals)}</td>
                <td>{measure.change === 0 ? 'no change' : formatChange(measure.change, decimals)}</td>
                <td class="text">
                  {measure.meaningful === undefined
                    ? DIRECTION_LABELS[direction]
                    : measure.meaningful
                      ? `meaningful: ${DIRECTION_LABELS[direction]} by ${SWEMWBS_MEANINGFUL_CHANGE} points or more`
                      : `${DIRECTION_LABELS[direction]}, under the ${SWEMWBS_MEANINGFUL_CHANGE}-point threshold`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="hint">
        A change of {SWEMWBS_MEANINGFUL_CHANGE} or more on the SWEMWBS metric scale is meaningful for one person. ONS publishes no such
        threshold for the four personal wellbeing questions. For anxiety, a lower score is better.
      </p>
    </div>
  );
}
