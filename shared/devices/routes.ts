import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '#shared/platform/errors';
import {
  ErrorSchema,
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
  publicAccess,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import type { RateLimit } from '#shared/platform/rate-limit';
import { CreateDeviceBody, Device, DeviceEnrolment, DeviceTokens, DevicesQuery, EnrolBody, Enrolled, JsonWebKeySet, TokenBody } from './schema';
import type { DeviceService } from './service';

const tags = ['Devices'];
/** Managers and admins enrol and revoke a provider's scanning devices. */
const managers = anyRole('manager', 'admin');

const ProviderPath = z.object({ providerId: idParam('providerId') });
const DevicePath = z.object({ deviceId: idParam('deviceId') });

const refused = (description: string) => ({ 401: jsonResponse(description, ErrorSchema) });
const badBody = { 400: commonErrors[400] };

/**
 * Per client address, on the routes that need no token: enrolling is done once per device, and a
 * device trades a token every 15 minutes, so these are generous for a hall full of them behind
 * one address and useless to a guesser (who also gets five tries per code).
 */
export const ENROL_LIMIT: RateLimit = { requests: 10, perSeconds: 60, by: 'address' };
export const TOKEN_LIMIT: RateLimit = { requests: 60, perSeconds: 60, by: 'address' };

export const deviceRoutes = {
  create: defineRoute(managers, {
    method: 'post',
    path: '/v1/providers/{providerId}/devices',
    tags,
    summary: 'Enrol a scanning device for a provider: a one-time code, valid 24 hours',
    description:
      'Show `enrolmentUrl` as a QR code for the device to scan, or read out `enrolmentCode` to type. The code works once; ' +
      'five wrong tries void it. No Cognito account is involved: the device gets its own tokens.',
    request: { params: ProviderPath, body: jsonBody(CreateDeviceBody) },
    responses: { 201: jsonResponse('The device and its one-time code', DeviceEnrolment), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  list: defineRoute(anyRole('provider', 'manager', 'admin'), {
    method: 'get',
    path: '/v1/providers/{providerId}/devices',
    tags,
    summary: "A provider's scanning devices, oldest first",
    description: "Provider staff see their own provider's only. Last seen is updated at most once an hour.",
    request: { params: ProviderPath, query: DevicesQuery },
    responses: { 200: jsonResponse('A page of devices', pageOf(Device)), ...commonErrors, ...notFoundError },
  }),
  revoke: defineRoute(managers, {
    method: 'post',
    path: '/v1/devices/{deviceId}/revoke',
    tags,
    summary: 'Revoke a device: its next scan is refused (401 device_revoked) and it cannot get new tokens',
    description: 'Revoking a revoked device changes nothing. A pending device loses its code.',
    request: { params: DevicePath },
    responses: { 200: jsonResponse('The device, revoked', Device), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  enrol: defineRoute(publicAccess, {
    method: 'post',
    path: '/v1/devices/enrol',
    tags,
    summary: 'Redeem an enrolment code (from the QR, or typed) for the device’s refresh token',
    description: 'Every failure is the same 401 invalid_enrolment_code, whatever the reason.',
    request: { body: jsonBody(EnrolBody) },
    responses: { 200: jsonResponse('The enrolled device and its first refresh token', Enrolled), ...badBody, ...refused('The code does not work') },
  }, ENROL_LIMIT),
  token: defineRoute(publicAccess, {
    method: 'post',
    path: '/v1/devices/token',
    tags,
    summary: 'Trade a refresh token for an access token (15 minutes) and the next refresh token',
    description:
      'Each refresh token works once. An already-used one revokes the device. Every failure is the same 401 invalid_refresh_token.',
    request: { body: jsonBody(TokenBody) },
    responses: { 200: jsonResponse('An access token and the next refresh token', DeviceTokens), ...badBody, ...refused('The refresh token does not work') },
  }, TOKEN_LIMIT),
  jwks: defineRoute(publicAccess, {
    method: 'get',
    path: '/v1/devices/jwks.json',
    tags,
    summary: "The device key's public half, as a JSON Web Key Set",
    responses: { 200: jsonResponse('The key set', JsonWebKeySet) },
  }),
};

/** The device's own routes: in AWS the device-token function (the one allowed to sign) serves them. */
export const DEVICE_TOKEN_PATHS = [deviceRoutes.enrol.path, deviceRoutes.token.path, deviceRoutes.jwks.path] as const;

/** What these routes need, and no more: the composition root passes them in. */
export interface DeviceRoutesDeps {
  deviceService: DeviceService;
}

const INVALID_CODE = new ApiError(401, 'invalid_enrolment_code', 'That code does not work: it may be mistyped, used or expired. Ask for a new one.');
const INVALID_REFRESH = new ApiError(401, 'invalid_refresh_token', 'This device is not enrolled any more. Ask a manager to enrol it again.');

/** Staff's side: enrol, list, revoke. */
export function devicesApp(services: DeviceRoutesDeps) {
  const service = services.deviceService;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(deviceRoutes.create, async (c) => {
    const outcome = await service.create(c.get('principal'), c.req.valid('param').providerId, c.req.valid('json').name);
    return outcome.kind === 'done' ? c.json(outcome.value, 201) : failWith(outcome);
  });

  app.openapi(deviceRoutes.list, async (c) => {
    const outcome = await service.list(c.get('principal'), c.req.valid('param').providerId, c.req.valid('query'));
    return outcome.kind === 'done' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  app.openapi(deviceRoutes.revoke, async (c) => {
    const outcome = await service.revoke(c.req.valid('param').deviceId);
    return outcome.kind === 'done' ? c.json(outcome.value, 200) : failWith(outcome);
  });

  return app;
}

/** The device's side, with no token: redeem a code, trade refresh tokens, read the public key. */
export function deviceTokensApp(services: DeviceRoutesDeps) {
  const service = services.deviceService;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(deviceRoutes.enrol, async (c) => {
    const outcome = await service.enrol(c.req.valid('json').code);
    if (outcome.kind !== 'done') throw INVALID_CODE;
    return c.json(outcome.value, 200, { 'Cache-Control': 'no-store' });
  });

  app.openapi(deviceRoutes.token, async (c) => {
    const { deviceId, refreshToken } = c.req.valid('json');
    const outcome = await service.token(deviceId, refreshToken);
    if (outcome.kind !== 'done') throw INVALID_REFRESH;
    return c.json({ ...outcome.value, tokenType: 'Bearer' as const }, 200, { 'Cache-Control': 'no-store' });
  });

  app.openapi(deviceRoutes.jwks, async (c) => {
    const keys = await service.publicKeys();
    return c.json(JsonWebKeySet.parse(keys), 200, { 'Cache-Control': 'public, max-age=300' });
  });

  return app;
}
