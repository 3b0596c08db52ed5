import { Duration } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { exportsEnvironment } from '../../functions/env';
import type { ApiAndAuth } from './api-and-auth';
import type { Data } from './data';
import type { OriginVerify } from './origin-verify';
import { Section } from './section';
import { DeclaredEnvironment, WaymarkFunction } from './waymark-function';

/** How many exports may stream at once: a programme's evaluators and managers, with room to spare. */
export const EXPORTS_CONCURRENCY = 10;

export interface StreamedExportsProps {
  readonly data: Data;
  /** The exports verify the same ID tokens as the API. */
  readonly auth: ApiAndAuth;
  /** With a web ACL in front, the exports answer only what came through CloudFront. */
  readonly originVerify: OriginVerify;
}

/**
 * The evaluator CSV exports, streamed: the same Hono app (functions/exports.ts) behind a Lambda
 * function URL in RESPONSE_STREAM mode. API Gateway and a buffered Lambda response cap a response
 * at 6 MB, which a programme's full CSV export can exceed; a streamed response has no such cap.
 * It gets the API's environment less the scheduler settings, none of the API's scheduler
 * permissions, and may only read the table: through this URL, anything but a read fails.
 */
export class StreamedExports extends Section {
  readonly exports: WaymarkFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: StreamedExportsProps) {
    super(scope, id);

    this.exports = new WaymarkFunction(this, 'Exports', {
      entry: 'functions/exports.ts',
      description: 'Waymark streamed CSV exports (the Hono app behind a function URL)',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      // The URL has no throttle of its own (it is not behind API Gateway): at most this many
      // exports run at once, so a flood of requests cannot take the account's whole concurrency
      // (the API's scans share it) or run up a five-minute bill per request.
      reservedConcurrentExecutions: EXPORTS_CONCURRENCY,
      environment: DeclaredEnvironment.of(exportsEnvironment, {
        ...props.data.tableVariables,
        ...props.auth.authVariables,
        ...props.data.pseudonymVariables,
        ...props.originVerify.variables,
      }),
    });
    props.data.grantTableData(this.exports, 'read');
    props.data.grantPseudonymKey(this.exports);

    // No IAM auth on the URL: the caller is a browser holding a Cognito ID token, not an AWS
    // principal. The app itself verifies that JWT (issuer, audience, signature against the user
    // pool's JWKS) on every /v1 route, exactly as on the API, and refuses with the API's 401 shape.
    this.url = this.exports.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });
  }
}
