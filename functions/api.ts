import { handle } from 'hono/aws-lambda';
import { createApp } from '#shared/app/app';
import { awsDependencies } from './runtime';

// Built once per container, at init: configuration checked, clients and the JWKS cache reused across invocations.
const app = createApp(awsDependencies());

/** The HTTP API's `$default` route: every /v1 request and the docs. */
export const handler = handle(app);
