import { createRemoteJWKSet } from 'jose';
import { handle } from 'hono/aws-lambda';
import { createTokenVerifier } from '../shared/platform/auth';
import { createApp } from '../shared/platform/app';
import { systemClock } from '../shared/platform/clock';
import { loadAwsConfig } from '../shared/platform/config';
import { createDocumentClient } from '../shared/platform/dynamo';
import { ulidSource } from '../shared/platform/ids';
import { createLogger } from '../shared/platform/logger';

// Built once per container, at init: configuration checked, clients and the JWKS cache reused across invocations.
const config = loadAwsConfig(process.env);

const app = createApp({
  db: { client: createDocumentClient(), tableName: config.tableName },
  clock: systemClock,
  ids: ulidSource(systemClock),
  verifyToken: createTokenVerifier({
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    keys: createRemoteJWKSet(new URL(config.auth.jwksUrl)),
    clock: systemClock,
  }),
  logger: createLogger(),
});

/** The HTTP API's `$default` route: every /v1 request and the docs. */
export const handler = handle(app);
