import type { SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';

/**
 * Where the API finds the scanner's address for enrolment links. The web URL is CloudFront's,
 * and CloudFront fronts the API, so the API function cannot be given it as a variable without a
 * dependency loop; the stack writes it to an SSM parameter instead, and the function reads it once.
 */
export const scannerAddressVariables = {
  SCANNER_URL_PARAMETER: z.string().regex(/^\/[A-Za-z0-9_./-]{1,1000}$/, 'expected an SSM parameter name, e.g. /waymark/scanner-url'),
};

/**
 * Reads the parameter when the first device is created, and keeps it; a failed read is tried
 * again next time. The SSM client is loaded then too, not at the API's cold start.
 */
export function ssmScannerAddress(ssm: () => Promise<SSMClient>, parameterName: string): () => Promise<string> {
  let address: Promise<string> | undefined;
  return () => {
    address ??= import('@aws-sdk/client-ssm')
      .then(async ({ GetParameterCommand }) => (await ssm()).send(new GetParameterCommand({ Name: parameterName })))
      .then((result) => {
        const value = result.Parameter?.Value;
        if (!value) throw new Error('The scanner address parameter is empty');
        return new URL(value).toString();
      })
      .catch((error: unknown) => {
        address = undefined;
        throw error;
      });
    return address;
  };
}
