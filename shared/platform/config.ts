import { z } from 'zod';

/**
 * The environment of a deployed function. Each Lambda declares exactly the variables it reads, once
 * (functions/env.ts, from the groups below and the scheduler adapter's), parses them once at init,
 * and the stack sets them from the same declaration's keys (`DeclaredEnvironment.of` in
 * infra/constructs/waymark-function.ts). A variable renamed or dropped on one side is then a type
 * error on the other, and a missing or malformed one fails the cold start with one message naming
 * every bad variable, instead of failing some request later.
 *
 * Messages name variables and what was expected, never a value.
 */

/** DynamoDB's rule for table names. */
const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Lower-case letters, digits and hyphens, 1 to 40 of them: it is written into every export. */
export const programmeIdPattern = /^[a-z0-9-]{1,40}$/;

/** The one table. */
export const tableVariables = {
  TABLE_NAME: z.string().regex(TABLE_NAME_PATTERN, 'expected a DynamoDB table name: 3–255 of [a-zA-Z0-9_.-]'),
};

/** How the app verifies Cognito ID tokens. */
export const authVariables = {
  /** The user pool's issuer, e.g. https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_abc */
  AUTH_ISSUER: z.url({ error: 'expected the user pool issuer URL' }),
  /** The Cognito app client id that ID tokens are issued for. */
  AUTH_AUDIENCE: z.string().min(1),
};

/** The evaluator exports' pseudonyms. */
export const pseudonymVariables = {
  /** The Secrets Manager secret holding the pseudonymisation key (its ARN, never the key). */
  PSEUDONYM_SECRET_ARN: z.string().min(1),
  /** Names the programme: pseudonyms differ between programmes. */
  PROGRAMME_ID: z.string().regex(programmeIdPattern, 'expected 1 to 40 lower-case letters, digits and hyphens'),
};

/** The generated origin-verify secret: letters and digits (Secrets Manager, punctuation excluded), 32 or more. */
const ORIGIN_SECRET_PATTERN = /^[A-Za-z0-9]{32,}$/;

/**
 * Origin verification (decision 91): whether the app serves only requests carrying CloudFront's
 * secret header, and the values it accepts. The stack resolves them from Secrets Manager at deploy
 * time, the same values it writes into the distribution's origin headers.
 */
export const originVerifyVariables = {
  /** The secret CloudFront sends in `x-waymark-origin-verify`, or `off` (no check: no web ACL in front). */
  ORIGIN_VERIFY_SECRET: z
    .string()
    .refine((value) => value === 'off' || ORIGIN_SECRET_PATTERN.test(value), 'expected "off" or the generated secret (32 or more letters and digits)'),
  /** The secret before the last rotation, still accepted while CloudFront's edges change over, or `none`. */
  ORIGIN_VERIFY_PREVIOUS_SECRET: z
    .string()
    .refine(
      (value) => value === 'none' || ORIGIN_SECRET_PATTERN.test(value),
      'expected "none" or the previous generated secret (32 or more letters and digits)',
    ),
};

/** The origin check the variables describe: undefined when it is off. */
export function originVerificationOf(env: { ORIGIN_VERIFY_SECRET: string; ORIGIN_VERIFY_PREVIOUS_SECRET: string }) {
  if (env.ORIGIN_VERIFY_SECRET === 'off') return undefined;
  const previous = env.ORIGIN_VERIFY_PREVIOUS_SECRET === 'none' ? [] : [env.ORIGIN_VERIFY_PREVIOUS_SECRET];
  return { accepted: [env.ORIGIN_VERIFY_SECRET, ...previous] };
}

/** A function's variables: each a string schema, so the stack can set each from a string. */
export type VariableShape = Record<string, z.ZodType<unknown, string>>;

/** The variables of a shape, as the stack must set them (every one, as a string). */
export type VariableValues<Shape extends VariableShape> = { readonly [Name in keyof Shape & string]: string };

export interface FunctionEnvironment<Shape extends VariableShape> {
  /** How the failure message names the function, e.g. "API". */
  readonly functionName: string;
  /** The variable names, in declaration order. */
  readonly variables: readonly (keyof Shape & string)[];
  /** The checked variables; throws an {@link InvalidEnvironmentError} naming every bad one. */
  parse(env: Readonly<Record<string, string | undefined>>): z.output<z.ZodObject<Shape>>;
}

/** A deployed function's environment is broken: the cold start fails with this, once. */
export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/** Declares one function's environment: exactly the variables in `shape`, no others read. */
export function functionEnvironment<Shape extends VariableShape>(functionName: string, shape: Shape): FunctionEnvironment<Shape> {
  const schema = z.object(shape);
  const variables = Object.keys(shape) as (keyof Shape & string)[];
  return {
    functionName,
    variables,
    parse(env) {
      const parsed = schema.safeParse(env);
      if (parsed.success) return parsed.data;
      const firstIssue = new Map<string, string>();
      for (const issue of parsed.error.issues) {
        const variable = String(issue.path[0]);
        if (!firstIssue.has(variable)) firstIssue.set(variable, issue.message);
      }
      // Declaration order, so the message reads the same whatever order zod reports in.
      const problems = variables
        .filter((variable) => firstIssue.has(variable))
        // An empty value is what an unset variable often looks like in a console: missing too.
        .map((variable) => ((env[variable] ?? '') === '' ? `${variable} is missing` : `${variable} is invalid (${firstIssue.get(variable)})`));
      throw new InvalidEnvironmentError(`Invalid environment of the ${functionName} function: ${problems.join('; ')}`);
    },
  };
}

/** Token verification settings from the auth variables; Cognito publishes its keys under the issuer. */
export function authSettings(env: { AUTH_ISSUER: string; AUTH_AUDIENCE: string }) {
  return { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwksUrl: `${env.AUTH_ISSUER}/.well-known/jwks.json` };
}
