import { handle } from 'hono/aws-lambda';
import { createApp } from '#shared/app/app';
import { originVerificationOf } from '#shared/platform/config';
import { apiEnvironment } from './env';
import { awsApiDependencies } from './runtime';

// Built once per container, at init: the environment checked (a bad one fails here, naming every bad
// variable), clients and the JWKS cache reused across invocations. With a web ACL in front, only
// requests that came through CloudFront are served (decision 91).
const env = apiEnvironment.parse(process.env);
const originVerification = originVerificationOf(env);
const app = createApp(awsApiDependencies(env), originVerification ? { originVerification } : {});

/** The HTTP API's `$default` route: every /v1 request and the docs. */
export const handler = handle(app);
