import { buildPlan, planPrescription, type PlanView } from '../lib/plan';
import { href } from '../lib/routes';
import type { Activity, Venue } from '../lib/types';
import { Button, ErrorNotice, Loading } from '../ui/components';
import { must, useLoad, useServices, useTitle } from '../ui/services';

/**
 * "My plan": a one-page, large-type summary the person takes home — their goals, each activity's
 * place and times, their card number and their link worker. Printing shows this page alone.
 */
export function PlanPage({ patientId }: { patientId: string }) {
  const { api } = useServices();
  const plan = useLoad(async (): Promise<PlanView> => {
    const path = { params: { path: { patientId } } };
    const [patient, prescriptions, cards] = await Promise.all([
      api.GET('/v1/patients/{patientId}', path).then(must),
      api.GET('/v1/patients/{patientId}/prescriptions', path).then((r) => must(r).items),
      api.GET('/v1/patients/{patientId}/cards', path).then((r) => must(r).items),
    ]);
    const prescription = planPrescription(patient, prescriptions);
    const prescribed = prescription?.activities ?? [];
    const venueKeys = [...new Map(prescribed.map((a) => [a.venueId, a.providerId])).entries()];
    const [activities, venues, navigator] = await Promise.all([
      Promise.all(
        prescribed.map(({ providerId, activityId }) =>
          api
            .GET('/v1/providers/{providerId}/activities/{activityId}', { params: { path: { providerId, activityId } } })
            .then((r): Activity | undefined => r.data),
        ),
      ),
      Promise.all(
        venueKeys.map(([venueId, providerId]) =>
          api.GET('/v1/providers/{providerId}/venues/{venueId}', { params: { path: { providerId, venueId } } }).then((r): Venue | undefined => r.data),
        ),
      ),
      // The link worker's work contact; a plan still prints without it (say, a navigator who has left).
      patient.navigator ? api.GET('/v1/staff/{sub}', { params: { path: { sub: patient.navigator } } }).then((r) => r.data) : undefined,
    ]);
    return buildPlan({
      patient,
      prescriptions,
      cards,
      activities: activities.filter((a): a is Activity => a !== undefined),
      venues: venues.filter((v): v is Venue => v !== undefined),
      ...(navigator ? { navigator } : {}),
    });
  }, [patientId]);
  useTitle('My plan');

  return (
    <>
      <p class="back no-print">
        <a href={href.patient(patientId)} class="back-link">
          Back to their record
        </a>
      </p>
      {plan.state === 'loading' && <Loading what="Loading their plan" />}
      {plan.state === 'error' && <ErrorNotice>{plan.error}</ErrorNotice>}
      {plan.state === 'ready' && <PlanSheet plan={plan.data} />}
    </>
  );
}

function PlanSheet({ plan }: { plan: PlanView }) {
  if (plan.missing) {
    return (
      <>
        <h1 class="heading-xl">My plan</h1>
        <p class="body">{plan.missing}</p>
      </>
    );
  }
  return (
    <>
      <div class="button-group no-print">
        <Button onClick={() => window.print()}>Print this plan</Button>
      </div>
      <article class="print-plan plan" aria-labelledby="plan-heading">
        <h1 class="plan__title" id="plan-heading">
          My plan
        </h1>
        <p class="plan__lead">
          {plan.personName}, {plan.dates}
        </p>
        {plan.goals.length > 0 && (
          <section>
            <h2 class="plan__heading">What I want to do</h2>
            <ul class="plan__list">
              {plan.goals.map((goal) => (
                <li key={goal}>{goal}</li>
              ))}
            </ul>
          </section>
        )}
        <section>
          <h2 class="plan__heading">Where and when</h2>
          {plan.activities.map((activity) => (
            <div class="plan__activity" key={`${activity.name}-${activity.venue}`}>
              <h3 class="plan__activity-name">{activity.name}</h3>
              <p>
                With {activity.provider}, at {activity.venue}
                {activity.postcode && (
                  <>
                    , <span class="nowrap">{activity.postcode}</span>
                  </>
                )}
              </p>
              <p>{activity.when}</p>
            </div>
          ))}
        </section>
        {plan.cardNumber && (
          <section>
            <h2 class="plan__heading">My card</h2>
            <p>
              Show your card when you arrive. Its number is <span class="plan__card nowrap">{plan.cardNumber}</span>.
            </p>
          </section>
        )}
        <section>
          <h2 class="plan__heading">Who to contact</h2>
          {plan.contact ? (
            <p>
              Your link worker is {plan.contact.name}. Email <span class="nowrap">{plan.contact.email}</span> if you need to change
              anything or cannot go.
            </p>
          ) : (
            <p>Contact your link worker if you need to change anything or cannot go.</p>
          )}
        </section>
      </article>
    </>
  );
}
