import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Principal } from '#shared/platform/auth';
import { forbidden, invalidRequest, notFound } from '#shared/platform/errors';
import {
  PageQuery,
  anyRole,
  commonErrors,
  conflictError,
  defineRoute,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundError,
  pageOf,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import { activityProblems, isAccreditedAt, newActivity, newProvider, newVenue, type ProviderRecord } from './rules';
import {
  AccreditationInput,
  Activity,
  CreateActivityBody,
  CreateProviderBody,
  CreateVenueBody,
  Provider,
  Venue,
  type ProviderView,
} from './schema';
import type { Clock } from '#shared/platform/clock';
import type { IdSource } from '#shared/platform/ids';
import type { RegistryStore } from './store';

const tags = ['Registry'];
const managers = anyRole('manager', 'admin');
/** Navigators read the registry to build prescriptions; a provider reads only its own entry. */
const readers = anyRole('provider', 'navigator', 'manager', 'admin');

const ProviderPath = z.object({ providerId: idParam('providerId') });
const VenuePath = ProviderPath.extend({ venueId: idParam('venueId') });
const ActivityPath = ProviderPath.extend({ activityId: idParam('activityId') });

export const registryRoutes = {
  createProvider: defineRoute(managers, {
    method: 'post',
    path: '/v1/providers',
    tags,
    summary: 'Register a provider with its categories and accreditation',
    request: { body: jsonBody(CreateProviderBody) },
    responses: { 201: jsonResponse('The provider', Provider), ...commonErrors },
  }),
  listProviders: defineRoute(anyRole('navigator', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/providers',
    tags,
    summary: 'List providers, oldest first',
    request: { query: PageQuery },
    responses: { 200: jsonResponse('A page of providers', pageOf(Provider)), ...commonErrors },
  }),
  getProvider: defineRoute(readers, {
    method: 'get',
    path: '/v1/providers/{providerId}',
    tags,
    summary: 'Read a provider',
    request: { params: ProviderPath },
    responses: { 200: jsonResponse('The provider', Provider), ...commonErrors, ...notFoundError },
  }),
  setAccreditation: defineRoute(managers, {
    method: 'put',
    path: '/v1/providers/{providerId}/accreditation',
    tags,
    summary: "Set a provider's accreditation (accredited, suspended or lapsed, and until when)",
    request: { params: ProviderPath, body: jsonBody(AccreditationInput) },
    responses: { 200: jsonResponse('The provider', Provider), ...commonErrors, ...notFoundError },
  }),
  createVenue: defineRoute(managers, {
    method: 'post',
    path: '/v1/providers/{providerId}/venues',
    tags,
    summary: 'Add a venue where the provider runs activities',
    request: { params: ProviderPath, body: jsonBody(CreateVenueBody) },
    responses: { 201: jsonResponse('The venue', Venue), ...commonErrors, ...notFoundError },
  }),
  listVenues: defineRoute(readers, {
    method: 'get',
    path: '/v1/providers/{providerId}/venues',
    tags,
    summary: "List a provider's venues",
    request: { params: ProviderPath, query: PageQuery },
    responses: { 200: jsonResponse('A page of venues', pageOf(Venue)), ...commonErrors, ...notFoundError },
  }),
  getVenue: defineRoute(readers, {
    method: 'get',
    path: '/v1/providers/{providerId}/venues/{venueId}',
    tags,
    summary: 'Read a venue',
    request: { params: VenuePath },
    responses: { 200: jsonResponse('The venue', Venue), ...commonErrors, ...notFoundError },
  }),
  createActivity: defineRoute(managers, {
    method: 'post',
    path: '/v1/providers/{providerId}/activities',
    tags,
    summary: 'Add an activity at one of the provider’s venues, in a category it is accredited for',
    request: { params: ProviderPath, body: jsonBody(CreateActivityBody) },
    responses: {
      201: jsonResponse('The activity', Activity),
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  }),
  listActivities: defineRoute(readers, {
    method: 'get',
    path: '/v1/providers/{providerId}/activities',
    tags,
    summary: "List a provider's activities",
    request: { params: ProviderPath, query: PageQuery },
    responses: { 200: jsonResponse('A page of activities', pageOf(Activity)), ...commonErrors, ...notFoundError },
  }),
  getActivity: defineRoute(readers, {
    method: 'get',
    path: '/v1/providers/{providerId}/activities/{activityId}',
    tags,
    summary: 'Read an activity',
    request: { params: ActivityPath },
    responses: { 200: jsonResponse('The activity', Activity), ...commonErrors, ...notFoundError },
  }),
};

/** A provider's token opens its own registry entries only. */
function assertMayRead(principal: Principal, providerId: string): void {
  if (principal.role === 'provider' && principal.providerId !== providerId) {
    throw forbidden('A provider may only read its own registry entries.');
  }
}

/** What these routes need, and no more: the composition root passes them in. */
export interface RegistryRoutesDeps {
  registry: RegistryStore;
  clock: Clock;
  ids: IdSource;
}

export function registryApp(services: RegistryRoutesDeps) {
  const { registry, clock, ids } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  const view = (provider: ProviderRecord): ProviderView => ({
    ...provider,
    accreditation: {
      ...provider.accreditation,
      currentlyAccredited: isAccreditedAt(provider.accreditation, clock.now()),
    },
  });

  const existingProvider = async (providerId: string) => {
    const provider = await registry.getProvider(providerId);
    if (!provider) throw notFound('Provider');
    return provider;
  };

  app.openapi(registryRoutes.createProvider, async (c) => {
    const provider = newProvider(c.req.valid('json'), { clock, ids });
    await registry.createProvider(provider);
    return c.json(view(provider), 201);
  });

  app.openapi(registryRoutes.listProviders, async (c) => {
    const page = await registry.listProviders(c.req.valid('query'));
    return c.json({ ...page, items: page.items.map(view) }, 200);
  });

  app.openapi(registryRoutes.getProvider, async (c) => {
    const { providerId } = c.req.valid('param');
    assertMayRead(c.get('principal'), providerId);
    return c.json(view(await existingProvider(providerId)), 200);
  });

  app.openapi(registryRoutes.setAccreditation, async (c) => {
    const { providerId } = c.req.valid('param');
    const accreditation = { ...c.req.valid('json'), updatedAt: clock.now().toISOString() };
    return c.json(view(await registry.setAccreditation(providerId, accreditation)), 200);
  });

  app.openapi(registryRoutes.createVenue, async (c) => {
    const { providerId } = c.req.valid('param');
    const venue = newVenue(providerId, c.req.valid('json'), { clock, ids });
    await registry.createVenue(venue);
    return c.json(venue, 201);
  });

  app.openapi(registryRoutes.listVenues, async (c) => {
    const { providerId } = c.req.valid('param');
    assertMayRead(c.get('principal'), providerId);
    await existingProvider(providerId);
    return c.json(await registry.listVenues(providerId, c.req.valid('query')), 200);
  });

  app.openapi(registryRoutes.getVenue, async (c) => {
    const { providerId, venueId } = c.req.valid('param');
    assertMayRead(c.get('principal'), providerId);
    const venue = await registry.getVenue(venueId);
    if (!venue || venue.providerId !== providerId) throw notFound('Venue');
    return c.json(venue, 200);
  });

  app.openapi(registryRoutes.createActivity, async (c) => {
    const { providerId } = c.req.valid('param');
    const input = c.req.valid('json');
    const { provider, venue } = await registry.getProviderAndVenue(providerId, input.venueId);
    if (!provider) throw notFound('Provider');
    const problems = activityProblems(provider, venue, input.category);
    if (problems.length > 0) {
      throw invalidRequest(problems.map(({ field, code, message }) => ({ in: 'body', path: field, code, message })));
    }
    const activity = newActivity(providerId, input, { clock, ids });
    await registry.createActivity(activity);
    return c.json(activity, 201);
  });

  app.openapi(registryRoutes.listActivities, async (c) => {
    const { providerId } = c.req.valid('param');
    assertMayRead(c.get('principal'), providerId);
    await existingProvider(providerId);
    return c.json(await registry.listActivities(providerId, c.req.valid('query')), 200);
  });

  app.openapi(registryRoutes.getActivity, async (c) => {
    const { providerId, activityId } = c.req.valid('param');
    assertMayRead(c.get('principal'), providerId);
    const activity = await registry.getActivity(activityId);
    if (!activity || activity.providerId !== providerId) throw notFound('Activity');
    return c.json(activity, 200);
  });

  return app;
}
