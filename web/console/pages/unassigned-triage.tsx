import { useState } from 'preact/hooks';
import { personName, sourceLabel } from '../lib/format';
import { messageOf } from '../lib/issues';
import type { ReferralListItem } from '../lib/types';
import { Button, ErrorNotice, Loading, SelectField, VisuallyHidden } from '../ui/components';
import { ReferralTable } from '../ui/referral-table';
import { listAll, must, useLoad, useServices } from '../ui/services';

/**
 * The unassigned triage queue (managers and admins): referrals sent with the public form, which no
 * navigator has yet, oldest first, with how long each has waited. Each can be given to a navigator.
 */
export function UnassignedTriage({ onAssigned }: { onAssigned: (message: string) => Promise<void> }) {
  const { api, today } = useServices();
  const [chosen, setChosen] = useState<ReferralListItem>();
  const [navigator, setNavigator] = useState('');
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  const queue = useLoad(
    () => listAll(async (cursor) => must(await api.GET('/v1/referrals/unassigned', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }))),
    [],
  );
  const navigators = useLoad(
    async () =>
      (await listAll(async (cursor) => must(await api.GET('/v1/people', { params: { query: { limit: 100, role: 'navigator', ...(cursor ? { cursor } : {}) } } })))).filter(
        (person) => person.sub && person.status === 'enabled',
      ),
    [],
  );

  async function assign(event: Event) {
    event.preventDefault();
    if (!chosen) return;
    if (!navigator) {
      setProblem('Select a navigator');
      return;
    }
    setSending(true);
    const { data, error } = await api.POST('/v1/referrals/{referralId}/assign', { params: { path: { referralId: chosen.referralId } }, body: { navigator } });
    setSending(false);
    if (!data) {
      setProblem(messageOf(error));
      return;
    }
    const name = personName(chosen.patient, 'Patient');
    const who = navigators.state === 'ready' ? navigators.data.find((person) => person.sub === navigator) : undefined;
    setChosen(undefined);
    setProblem(undefined);
    await queue.reload();
    await onAssigned(`Referral of ${name} assigned to ${who ? `${who.givenName} ${who.familyName}` : navigator}.`);
  }

  return (
    <section aria-labelledby="unassigned-heading">
      <h2 class="heading-l" id="unassigned-heading">
        Unassigned referrals
      </h2>
      {queue.state === 'loading' && <Loading what="Loading unassigned referrals" />}
      {queue.state === 'error' && <ErrorNotice>{queue.error}</ErrorNotice>}
      {queue.state === 'ready' &&
        (queue.data.length === 0 ? (
          <p class="body">No referrals are waiting for a navigator.</p>
        ) : (
          <ReferralTable
            caption={`Waiting for a navigator, longest waiting first: ${queue.data.length}`}
            referrals={queue.data}
            waitingOn={today()}
            sourceHeading="From"
            source={(referral) =>
              `${sourceLabel(referral.source)}${referral.referrer?.organisation ? `, ${referral.referrer.organisation}` : ''}${
                referral.repeatedRequests ? ` (sent again ${referral.repeatedRequests.count}×)` : ''
              }`
            }
            columns={[
              {
                heading: 'Actions',
                cell: (referral, name) => (
                  <Button
                    variant="secondary"
                    onClick={() => {
                      setChosen(referral);
                      setNavigator('');
                      setProblem(undefined);
                    }}
                  >
                    Assign<VisuallyHidden> referral of {name}</VisuallyHidden>
                  </Button>
                ),
              },
            ]}
          />
        ))}
      {chosen && (
        <form class="panel" onSubmit={assign} aria-labelledby="assign-heading">
          <h3 class="heading-m" id="assign-heading">
            Assign the referral of {personName(chosen.patient, 'Patient')}
          </h3>
          {navigators.state === 'loading' && <Loading what="Loading navigators" />}
          {navigators.state === 'error' && <ErrorNotice>{navigators.error}</ErrorNotice>}
          {navigators.state === 'ready' && (
            <SelectField
              id="assign-navigator"
              label="Navigator"
              value={navigator}
              onValue={setNavigator}
              placeholder="Choose a navigator"
              options={navigators.data.map((person) => ({ value: person.sub!, label: `${person.givenName} ${person.familyName}` }))}
              error={problem}
            />
          )}
          <div class="button-group">
            <Button type="submit" disabled={sending}>
              Assign referral
            </Button>
            <Button variant="secondary" onClick={() => setChosen(undefined)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
