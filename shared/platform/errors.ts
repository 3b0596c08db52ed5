/**
 * Errors a request can end in. Domain code and stores throw these; the app's
 * error handler turns them into the contract's `{ error: { code, message, issues? } }`.
 * Anything else that escapes is a server fault (500) and is logged without data.
 */
export type IssueLocation = 'body' | 'query' | 'path' | 'header';

export interface FieldIssue {
  /** Where the offending value was: body, query, path or header. */
  in: IssueLocation;
  /** Dotted path to the field inside that location, e.g. `accreditation.validUntil`. */
  path: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const invalidRequest = (issues: FieldIssue[], message = 'The request is invalid.') =>
  new ApiError(400, 'invalid_request', message, issues);

export const unauthenticated = (message = 'A valid bearer token is required.') =>
  new ApiError(401, 'unauthenticated', message);

export const forbidden = (message = 'Your role may not do this.') => new ApiError(403, 'forbidden', message);

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found.`);

export const conflict = (code: string, message: string) => new ApiError(409, code, message);

export interface ErrorBody {
  error: { code: string; message: string; issues?: FieldIssue[] };
}

export function errorBody(error: ApiError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
    },
  };
}
