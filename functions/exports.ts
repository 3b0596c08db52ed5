import { streamHandle } from 'hono/aws-lambda';
import { createExportsApp } from '#shared/app/app';
import { originVerificationOf } from '#shared/platform/config';
import { exportsEnvironment } from './env';
import { awsExportsDependencies } from './runtime';

// The same app as functions/api.ts, deployed a second time behind a Lambda function URL in
// RESPONSE_STREAM mode (infra/constructs/streamed-exports.ts). A buffered Lambda response behind API
// Gateway is capped at 6 MB; a streamed one is not, so a large evaluator CSV export streams through
// here, and only the exports: any other route is a 404 here. The app verifies the Cognito JWT itself,
// exactly as on the API, and this function's role may only read the table. Built once per
// container, at init, like the API's, from its own environment (no scheduler settings). With a web
// ACL in front, only requests that came through CloudFront are served (decision 91).
const env = exportsEnvironment.parse(process.env);
const originVerification = originVerificationOf(env);
export const handler = streamHandle(createExportsApp(awsExportsDependencies(env), originVerification ? { originVerification } : {}));
