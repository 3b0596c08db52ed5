import { handle } from 'hono/aws-lambda';
import { createApp } from '#shared/app/app';
import { apiEnvironment } from './env';
import { awsApiDependencies } from './runtime';

// Built once per container, at init: the environment checked (a bad one fails here, naming every bad
// variable), clients and the JWKS cache reused across invocations.
const app = createApp(awsApiDependencies(apiEnvironment.parse(process.env)));

/** The HTTP API's `$default` route: every /v1 request and the docs. */
export const handler = handle(app);
