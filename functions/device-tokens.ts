import { handle } from 'hono/aws-lambda';
import { createDeviceTokensApp } from '#shared/app/app';
import { originVerificationOf } from '#shared/platform/config';
import { deviceTokensEnvironment } from './env';
import { awsDeviceTokenDependencies } from './runtime';

// Built once per container: the environment checked, the KMS client and the public key reused. With
// a web ACL in front, only requests that came through CloudFront are served (decision 91).
const env = deviceTokensEnvironment.parse(process.env);
const originVerification = originVerificationOf(env);
const app = createDeviceTokensApp(awsDeviceTokenDependencies(env), originVerification ? { originVerification } : {});

/** POST /v1/devices/enrol, POST /v1/devices/token, GET /v1/devices/jwks.json: the only requests that sign with the device key. */
export const handler = handle(app);
