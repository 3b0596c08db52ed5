import { useEffect, useState } from 'preact/hooks';
import { REFERRAL_STATUS_LABELS, personName } from '../lib/format';
import { href } from '../lib/routes';
import type { Referral } from '../lib/types';
import { Button, ErrorNotice, Loading, SelectField, Success, Tag, VisuallyHidden } from '../ui/components';
import { triageOrder } from '../lib/lifecycle';
import { ReferralActionPanel, ReferralDoneNotice, type ReferralAction, type ReferralDone } from '../ui/referral-actions';
import { ReferralTable } from '../ui/referral-table';
import { listAll, must, useLoad, useServices, useTitle } from '../ui/services';
import { UnassignedTriage } from './unassigned-triage';

const STATUSES = Object.entries(REFERRAL_STATUS_LABELS).map(([value, label]) => ({ value, label }));
const isStatus = (value: string | undefined): value is Referral['status'] => !!value && Object.hasOwn(REFERRAL_STATUS_LABELS, value);
/** A referral as the list answers it: with the person's name. */
type ListedReferral = Referral & { patient?: { givenName: string; familyName: string } };

const STATUS_TONE = { received: 'blue', accepted: 'yellow', prescribed: 'green', declined: 'grey', closed: 'grey' } as const;

export function Referrals({ status }: { status?: string }) {
  useTitle('Referrals');
  const { api, session, today } = useServices();
  const canChange = session.role === 'navigator' || session.role === 'admin';
  const canAssign = session.role === 'manager' || session.role === 'admin';
  const [chosen, setChosen] = useState<{ referral: ListedReferral; action: ReferralAction }>();
  const [saved, setSaved] = useState<string | ReferralDone>();
  const triage = useLoad(
    async () =>
      triageOrder(
        await listAll(async (cursor) =>
          must(await api.GET('/v1/referrals', { params: { query: { limit: 100, status: 'received', ...(cursor ? { cursor } : {}) } } })),
        ),
      ),
    [],
  );
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
      {saved && (typeof saved === 'string' ? <Success>{saved}</Success> : <ReferralDoneNotice done={saved} onPatientPage={false} />)}
      {canAssign && (
        <UnassignedTriage
          onAssigned={async (message) => {
            setSaved(undefined);
            await Promise.all([triage.reload(), referrals.reload()]);
            setSaved(message);
          }}
        />
      )}
      <section aria-labelledby="triage-heading">
        <h2 class="heading-l" id="triage-heading">
          New referrals
        </h2>
        {triage.state === 'loading' && <Loading what="Loading new referrals" />}
        {triage.state === 'error' && <ErrorNotice>{triage.error}</ErrorNotice>}
        {triage.state === 'ready' &&
          (triage.data.length === 0 ? (
            <p class="body">No new referrals are waiting.</p>
          ) : (
            <ReferralTable<ListedReferral>
              caption={`Waiting for first contact, longest waiting first: ${triage.data.length}`}
              referrals={triage.data}
              waitingOn={today()}
              columns={[
                canChange && {
                  heading: 'Actions',
                  cell: (referral, name) => (
                    <div class="button-group">
                      <Button variant="secondary" onClick={() => setChosen({ referral, action: 'accept' })}>
                        Accept<VisuallyHidden> referral of {name}</VisuallyHidden>
                      </Button>
                      <Button variant="warning" onClick={() => setChosen({ referral, action: 'decline' })}>
                        Decline<VisuallyHidden> referral of {name}</VisuallyHidden>
                      </Button>
                    </div>
                  ),
                },
              ]}
            />
          ))}
        {chosen && (
          <ReferralActionPanel
            key={`${chosen.referral.referralId}-${chosen.action}`}
            referral={chosen.referral}
            name={personName(chosen.referral.patient, 'Patient')}
            action={chosen.action}
            onCancel={() => setChosen(undefined)}
            onDone={async (done) => {
              setChosen(undefined);
              setSaved(undefined);
              await Promise.all([triage.reload(), referrals.reload()]);
              setSaved(done);
            }}
          />
        )}
      </section>
      <h2 class="heading-l">All referrals</h2>
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
          <ReferralTable
            caption={`${filter ? `${REFERRAL_STATUS_LABELS[filter]} referrals` : 'All referrals'}: ${referrals.data.length}`}
            referrals={referrals.data}
            columns={[
              {
                heading: 'Status',
                cell: (referral) => <Tag tone={STATUS_TONE[referral.status]}>{REFERRAL_STATUS_LABELS[referral.status]}</Tag>,
              },
            ]}
          />
        ))}
    </>
  );
}
