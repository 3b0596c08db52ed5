import { assessmentsApp } from '#shared/assessments/routes';
import { auditApp } from '#shared/audit/routes';
import { cardsApp } from '#shared/cards/routes';
import { directoryApp } from '#shared/directory/routes';
import { DEVICE_TOKEN_PATHS, deviceTokensApp, devicesApp } from '#shared/devices/routes';
import { followUpsApp } from '#shared/followups/routes';
import { gpMessagesApp } from '#shared/gp-messages/routes';
import { patientsApp } from '#shared/patients/routes';
import { publicReferralsApp } from '#shared/patients/public-routes';
import { peopleApp } from '#shared/people/routes';
import { createHttpApp, exportsOnly, servingOnly, type AppOptions } from '#shared/platform/app';
import { prescriptionsApp } from '#shared/prescriptions/routes';
import { registryApp } from '#shared/registry/routes';
import { IMPORT_MAX_BODY_BYTES, IMPORT_PATH, registryImportApp } from '#shared/registry/import-routes';
import { reportsApp } from '#shared/reports/routes';
import { scansApp } from '#shared/scans/routes';
import { createServices, type AppDependencies } from './services';
import { DynamoRateLimiter } from '#shared/platform/rate-limit';

/**
 * The composition root: builds every capability's services from the adapters and mounts every
 * capability's routes in the HTTP shell. The Lambda entries and local mode call this, and only
 * the adapters they pass differ.
 */
export function createApp(deps: AppDependencies, options: AppOptions = {}) {
  const services = createServices(deps);
  return createHttpApp(
    { ...deps, rateLimiter: options.rateLimiter ?? new DynamoRateLimiter(deps.db, deps.clock) },
    (app) => {
      app.route('/', registryApp(services));
      app.route('/', registryImportApp(services));
      app.route('/', publicReferralsApp(services));
      app.route('/', patientsApp(services));
      app.route('/', assessmentsApp(services));
      app.route('/', prescriptionsApp(services));
      app.route('/', cardsApp(services));
      app.route('/', scansApp(services));
      app.route('/', followUpsApp(services));
      app.route('/', reportsApp(services));
      app.route('/', gpMessagesApp(services));
      app.route('/', peopleApp(services));
      app.route('/', devicesApp(services));
      app.route('/', deviceTokensApp(services));
      app.route('/', directoryApp(services));
      app.route('/', auditApp(services));
    },
    { ...options, largerBodies: { [IMPORT_PATH]: IMPORT_MAX_BODY_BYTES, ...options.largerBodies } },
  );
}

/** The same app as the streaming exports function serves it: the CSV exports only. */
export function createExportsApp(deps: AppDependencies, options: AppOptions = {}) {
  return exportsOnly(createApp(deps, options));
}

/**
 * The same app as the device-token function serves it: enrolment, token trades and the public
 * key, the only requests that need the device key's Sign permission.
 */
export function createDeviceTokensApp(deps: AppDependencies, options: AppOptions = {}) {
  const paths = new Set<string>(DEVICE_TOKEN_PATHS);
  return servingOnly(createApp(deps, options), (_method, path) => paths.has(path), 'device enrolment and tokens');
}
