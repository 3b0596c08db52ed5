import { useEffect, useState } from 'preact/hooks';
import { formatInstantDate } from '../lib/dates';
import { REFERRAL_STATUS_LABELS, personName, sourceLabel } from '../lib/format';
import { href } from '../lib/routes';
import type { Referral } from '../lib/types';
import { Button, ErrorNotice, Loading, SelectField, Tag } from '../ui/components';
import { listAll, must, useLoad, useServices, useTitle } from '../ui/services';

const STATUSES = Object.entries(REFERRAL_STATUS_LABELS).map(([value, label]) => ({ value, label }));
const isStatus = (value: string | undefined): value is Referral['status'] => !!value && Object.hasOwn(REFERRAL_STATUS_LABELS, value);
const STATUS_TONE = { received: 'blue', accepted: 'yellow', prescribed: 'green', declined: 'grey', closed: 'grey' } as const;

export function Referrals({ status }: { status?: string }) {
  useTitle('Referrals');
  const { api } = useServices();
  const filter = isStatus(status) ? status : undefined;
  const [choice, setChoice] = useState<string>(filter ?? '');
  useEffect(() => setChoice(filter ?? ''), [filter]);
  const referrals = useLoad(
    () =>
      listAll(async (cursor) =>
        must(
          await api.GET('/v1/referrals', {
            params: { query: { limit: 100, ...(filter ? { status: filter } : {}), ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    [filter],
  );

  return (
    <>
      <h1 class="heading-xl">Referrals</h1>
      <form
        class="filter"
        onSubmit={(event) => {
          event.preventDefault();
          location.hash = href.referrals(choice || undefined);
        }}
      >
        <SelectField
          id="status"
          label="Status"
          value={choice}
          onValue={setChoice}
          options={STATUSES}
          placeholder="All referrals"
        />
        <Button type="submit" variant="secondary">
          Apply filter
        </Button>
      </form>
      {referrals.state === 'loading' && <Loading what="Loading referrals" />}
      {referrals.state === 'error' && <ErrorNotice>{referrals.error}</ErrorNotice>}
      {referrals.state === 'ready' &&
        (referrals.data.length === 0 ? (
          <p class="body">{filter ? `No referrals are ${REFERRAL_STATUS_LABELS[filter].toLowerCase()}.` : 'No referrals yet.'}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="table__caption">
                {filter ? `${REFERRAL_STATUS_LABELS[filter]} referrals` : 'All referrals'}: {referrals.data.length}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Received</th>
                  <th scope="col">Source</th>
                  <th scope="col">Reasons</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {referrals.data.map((referral) => (
                  <tr key={referral.referralId}>
                    <th scope="row">
                      <a href={href.patient(referral.patientId)}>{personName(referral.patient, 'Patient')}</a>
                    </th>
                    <td>{formatInstantDate(referral.createdAt, 'short')}</td>
                    <td>{sourceLabel(referral.source)}</td>
                    <td>{referral.reasons.join(', ')}</td>
                    <td>
                      <Tag tone={STATUS_TONE[referral.status]}>{REFERRAL_STATUS_LABELS[referral.status]}</Tag>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}
