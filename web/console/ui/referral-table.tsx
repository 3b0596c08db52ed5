import type { ComponentChildren } from 'preact';
import { formatInstantDate } from '../lib/dates';
import { personName, sourceLabel } from '../lib/format';
import { daysWaiting, formatDaysWaiting } from '../lib/lifecycle';
import { href } from '../lib/routes';
import type { Referral } from '../lib/types';

/** What every referral list shows of a referral. */
type ReferralRow = Pick<Referral, 'referralId' | 'patientId' | 'createdAt' | 'source' | 'reasons'> & {
  patient?: { givenName: string; familyName: string } | undefined;
};

/** A column a list adds after the shared ones (status, or the actions that list allows). */
export interface ReferralColumn<R> {
  heading: string;
  cell: (referral: R, name: string) => ComponentChildren;
}

/**
 * The referrals tables (new referrals, unassigned, all): the person's name as the row's header and
 * link, when it was received, optionally how long it has waited, where it came from, its reasons,
 * then the list's own columns.
 */
export function ReferralTable<R extends ReferralRow>(props: {
  caption: ComponentChildren;
  referrals: R[];
  /** Today's London date, to show how long each has waited; without it there is no Waiting column. */
  waitingOn?: string;
  sourceHeading?: string;
  source?: (referral: NoInfer<R>) => ComponentChildren;
  columns?: (ReferralColumn<NoInfer<R>> | false)[];
}) {
  const columns = (props.columns ?? []).filter((column): column is ReferralColumn<R> => column !== false);
  const source = props.source ?? ((referral: R) => sourceLabel(referral.source));
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="table__caption">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Received</th>
            {props.waitingOn !== undefined && <th scope="col">Waiting</th>}
            <th scope="col">{props.sourceHeading ?? 'Source'}</th>
            <th scope="col">Reasons</th>
            {columns.map((column) => (
              <th scope="col" key={column.heading}>
                {column.heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.referrals.map((referral) => {
            const name = personName(referral.patient, 'Patient');
            return (
              <tr key={referral.referralId}>
                <th scope="row">
                  <a href={href.patient(referral.patientId)}>{name}</a>
                </th>
                <td>{formatInstantDate(referral.createdAt, 'short')}</td>
                {props.waitingOn !== undefined && <td>{formatDaysWaiting(daysWaiting(referral.createdAt, props.waitingOn))}</td>}
                <td>{source(referral)}</td>
                <td>{referral.reasons.join(', ')}</td>
                {columns.map((column) => (
                  <td key={column.heading}>{column.cell(referral, name)}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
