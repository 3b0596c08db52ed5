import { OpenAPIHono, z } from '@hono/zod-openapi';
import {
  PageQuery,
  anyRole,
  commonErrors,
  conflictError,
  defineRoute,
  failWith,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundError,
  pageOf,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import {
  AccreditationInput,
  Activity,
  CreateActivityBody,
  CreateProviderBody,
  CreateVenueBody,
  ListingInput,
  Provider,
  UpdateActivityBody,
  UpdateVenueBody,
  Venue,
} from './schema';
import type { RegistryService } from './service';

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
  setListing: defineRoute(managers, {
    method: 'put',
    path: '/v1/providers/{providerId}/listing',
    tags,
    summary: 'List a provider in the public directory (the ORUK feed at /oruk/) or keep it out',
    description: 'A listed provider is published only while it is accredited; providers are listed unless opted out.',
    request: { params: ProviderPath, body: jsonBody(ListingInput) },
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
  updateVenue: defineRoute(managers, {
    method: 'patch',
    path: '/v1/providers/{providerId}/venues/{venueId}',
    tags,
    summary: 'Rename a venue or correct its postcode',
    request: { params: VenuePath, body: jsonBody(UpdateVenueBody) },
    responses: { 200: jsonResponse('The venue as changed', Venue), ...commonErrors, ...notFoundError },
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
  updateActivity: defineRoute(managers, {
    method: 'patch',
    path: '/v1/providers/{providerId}/activities/{activityId}',
    tags,
    summary: 'Change an activity: its name, venue, category, capacity or weekly schedule',
    description: 'A new venue must be one of the provider’s, and a new category one it is accredited for (400 naming the field); a concurrent change to the activity, venue or provider is a 409.',
    request: { params: ActivityPath, body: jsonBody(UpdateActivityBody) },
    responses: {
      200: jsonResponse('The activity as changed', Activity),
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface RegistryRoutesDeps {
  registryService: RegistryService;
}

/** A concurrent change to the provider or venue while an activity was being added. */
const REGISTRY_CHANGED = { code: 'registry_changed', message: 'The provider or venue changed while this request ran; try again.' };
/** The activity (or its venue or provider) changed between reading it and writing the change. */
const ACTIVITY_CHANGED = { code: 'registry_changed', message: 'The activity, its venue or its provider changed while this request ran; read it again and retry.' };

export function registryApp({ registryService: registry }: RegistryRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(registryRoutes.createProvider, async (c) => c.json(await registry.createProvider(c.req.valid('json')), 201));

  app.openapi(registryRoutes.listProviders, async (c) => c.json(await registry.listProviders(c.req.valid('query')), 200));

  app.openapi(registryRoutes.getProvider, async (c) => {
    const outcome = await registry.getProvider(c.get('principal'), c.req.valid('param').providerId);
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.setAccreditation, async (c) => {
    const outcome = await registry.setAccreditation(c.req.valid('param').providerId, c.req.valid('json'));
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.setListing, async (c) => {
    const outcome = await registry.setListing(c.req.valid('param').providerId, c.req.valid('json'));
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.createVenue, async (c) => {
    const outcome = await registry.createVenue(c.req.valid('param').providerId, c.req.valid('json'));
    return outcome.kind === 'found' ? c.json(outcome.value, 201) : failWith(outcome);
  });

  app.openapi(registryRoutes.listVenues, async (c) => {
    const outcome = await registry.listVenues(c.get('principal'), c.req.valid('param').providerId, c.req.valid('query'));
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.getVenue, async (c) => {
    const { providerId, venueId } = c.req.valid('param');
    const outcome = await registry.getVenue(c.get('principal'), providerId, venueId);
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.updateVenue, async (c) => {
    const { providerId, venueId } = c.req.valid('param');
    const outcome = await registry.updateVenue(providerId, venueId, c.req.valid('json'));
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.createActivity, async (c) => {
    const outcome = await registry.createActivity(c.req.valid('param').providerId, c.req.valid('json'));
    if (outcome.kind === 'changed') return failWith({ kind: 'conflict', ...REGISTRY_CHANGED });
    return outcome.kind === 'found' ? c.json(outcome.value, 201) : failWith(outcome);
  });

  app.openapi(registryRoutes.listActivities, async (c) => {
    const outcome = await registry.listActivities(c.get('principal'), c.req.valid('param').providerId, c.req.valid('query'));
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.getActivity, async (c) => {
    const { providerId, activityId } = c.req.valid('param');
    const outcome = await registry.getActivity(c.get('principal'), providerId, activityId);
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(registryRoutes.updateActivity, async (c) => {
    const { providerId, activityId } = c.req.valid('param');
    const outcome = await registry.updateActivity(providerId, activityId, c.req.valid('json'));
    if (outcome.kind === 'changed') return failWith({ kind: 'conflict', ...ACTIVITY_CHANGED });
    return outcome.kind === 'found' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  return app;
}
