import type { ApiErrorBody, ApiIssue } from './types';

/**
 * Turning problems into messages next to fields. A form describes its fields once (the API
 * path each comes from, the id of its input and the label people see); both the console's own
 * checks and the API's 400 `issues` then land on the same fields.
 */
export interface FieldSpec {
  /** The input's id (and the key in FieldErrors). */
  id: string;
  /** The label people see, used to start each message. */
  label: string;
}

/** API path (dot-separated, as in `issues[].path`) → the field it belongs to. */
export type FieldMap = Record<string, FieldSpec>;

/** Field id → message shown next to that field. */
export type FieldErrors = Record<string, string>;

export interface FormProblems {
  fields: FieldErrors;
  /** Problems that belong to no field (shown in the summary only). */
  general: string[];
}

export const noProblems = (): FormProblems => ({ fields: {}, general: [] });

export function hasProblems(problems: FormProblems): boolean {
  return problems.general.length > 0 || Object.keys(problems.fields).length > 0;
}

/** "Given name must not be empty"; "Weeks: Too big: expected number to be <=16". */
export function describeIssue(label: string, message: string): string {
  const text = message.trim();
  if (/^(must|at least|at most|is |are |should|cannot|can only)/.test(text)) return `${label} ${text}`;
  if (!text) return `Check ${label.toLowerCase()}`;
  return `${label}: ${text}`;
}

/**
 * The field an API path belongs to: the path itself, or the nearest parent in the map
 * (`reasons.2` → `reasons`, `swemwbs.4` → `swemwbs`). `prefix` is stripped first, for bodies
 * that wrap a form (`assessment.ons4.happy` → `ons4.happy`).
 */
export function fieldForPath(path: string, fields: FieldMap, prefix = ''): FieldSpec | undefined {
  let rest = prefix && path.startsWith(`${prefix}.`) ? path.slice(prefix.length + 1) : path;
  for (;;) {
    const spec = fields[rest];
    if (spec) return spec;
    const cut = rest.lastIndexOf('.');
    if (cut < 0) return undefined;
    rest = rest.slice(0, cut);
  }
}

/** The API's issues, placed on fields (first message per field wins) or kept as general ones. */
export function problemsFromIssues(issues: readonly ApiIssue[], fields: FieldMap, prefix = ''): FormProblems {
  const problems = noProblems();
  for (const issue of issues) {
    const spec = fieldForPath(issue.path, fields, prefix);
    if (spec) {
      problems.fields[spec.id] ??= describeIssue(spec.label, issue.message);
    } else {
      problems.general.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  return problems;
}

/** What a failed request means for a form: field problems from a 400, else its message. */
export function problemsFromError(body: unknown, fields: FieldMap, prefix = '', fallback = 'Something went wrong. Try again.'): FormProblems {
  const error = (body as Partial<ApiErrorBody> | undefined)?.error;
  if (error?.issues?.length) {
    const problems = problemsFromIssues(error.issues, fields, prefix);
    if (hasProblems(problems)) return problems;
  }
  return { fields: {}, general: [error?.message || fallback] };
}

/** The message of an API error body, for a page-level notice. */
export function messageOf(body: unknown, fallback = 'Something went wrong. Try again.'): string {
  const error = (body as Partial<ApiErrorBody> | undefined)?.error;
  return error?.message || fallback;
}

/** The error summary's rows, in the order the fields appear in the form. */
export function summaryOf(problems: FormProblems, order: readonly string[]): { id?: string; message: string }[] {
  const known = order.filter((id) => problems.fields[id]).map((id) => ({ id, message: problems.fields[id]! }));
  const others = Object.keys(problems.fields)
    .filter((id) => !order.includes(id))
    .map((id) => ({ id, message: problems.fields[id]! }));
  return [...known, ...others, ...problems.general.map((message) => ({ message }))];
}
