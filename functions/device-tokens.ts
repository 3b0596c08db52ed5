import { handle } from 'hono/aws-lambda';
import { createDeviceTokensApp } from '#shared/app/app';
import { deviceTokensEnvironment } from './env';
import { awsDeviceTokenDependencies } from './runtime';

// Built once per container: the environment checked, the KMS client and the public key reused.
const app = createDeviceTokensApp(awsDeviceTokenDependencies(deviceTokensEnvironment.parse(process.env)));

/** POST /v1/devices/enrol, POST /v1/devices/token, GET /v1/devices/jwks.json: the only requests that sign with the device key. */
export const handler = handle(app);
