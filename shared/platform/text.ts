import { z } from '@hono/zod-openapi';

/** C0 and C1 control characters (NUL, escape, …) and DEL; tab and line breaks are handled apart. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;
/** Half of a surrogate pair on its own: not a character at all, and it breaks CSV, JSON and PDF output. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether text a person typed is plain: no control characters, no broken characters; line breaks only if multiline. */
export function isPlainText(value: string, options: { multiline?: boolean } = {}): boolean {
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) return false;
  return options.multiline === true || !LINE_BREAK_OR_TAB.test(value);
}

/** The schema, refined to plain text (one line unless `multiline`). */
export function plainText<T extends z.ZodType<string>>(schema: T, options: { multiline?: boolean } = {}) {
  return schema.refine((value) => isPlainText(value, options), {
    message: options.multiline ? 'must not contain control characters or broken characters' : 'must be one line of text, without control characters',
  });
}
