import fc from 'fast-check';
import { ROLES, type Role } from '#shared/platform/auth';

/**
 * Requests for every operation of an OpenAPI document, as fast-check arbitraries: values built
 * from each operation's own schemas (so many requests get past validation to the domain), and
 * hostile mutations of them — wrong types, huge strings, NUL and lone surrogates, extra and
 * missing fields, malformed JSON, wrong content types, forged cursors, path ids that are not
 * ULIDs or are unknown ones. Used by test/shared/platform/fuzz.db.test.ts.
 */

// ---------------------------------------------------------------------------------------------
// The document

export type JsonSchema = { [key: string]: any };

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
  'x-waymark-access'?: { roles: Role[] } | { public: true };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema> };
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface DocumentedResponse {
  /** The documented media types, e.g. application/json or text/csv. */
  mediaTypes: string[];
  /** True when the documented body is exactly the shared Error schema. */
  isError: boolean;
}

export interface FuzzOperation {
  /** `post /v1/cards/{cardId}/revoke`: how results are grouped. */
  key: string;
  method: Method;
  path: string;
  pathParams: ParameterObject[];
  queryParams: ParameterObject[];
  body?: JsonSchema;
  responses: ReadonlyMap<number, DocumentedResponse>;
  /** Who may call it, as the operation documents it. */
  access: readonly Role[] | 'public';
}

const ERROR_REF = '#/components/schemas/Error';

export function operationsOf(doc: OpenApiDocument): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(byMethod)) {
      const parameters = operation.parameters ?? [];
      const access = operation['x-waymark-access'];
      const responses = new Map<number, DocumentedResponse>();
      for (const [status, response] of Object.entries(operation.responses)) {
        const content = response.content ?? {};
        responses.set(Number(status), {
          mediaTypes: Object.keys(content),
          isError: Object.values(content).some((media) => media.schema?.$ref === ERROR_REF),
        });
      }
      const body = operation.requestBody?.content['application/json']?.schema;
      operations.push({
        key: `${method} ${path}`,
        method: method as Method,
        path,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        ...(body ? { body } : {}),
        responses,
        access: !access || 'public' in access ? 'public' : access.roles,
      });
    }
  }
  return operations;
}

/** The schema with its `$ref` followed and its `allOf` merged (one level; nested ones as they are met). */
export function deref(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const name = String(current.$ref).replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    const { $ref: _ref, ...rest } = current;
    current = { ...target, ...rest };
  }
  if (Array.isArray(current.allOf)) {
    const { allOf, ...rest } = current;
    const merged: JsonSchema = { ...rest };
    for (const part of allOf as JsonSchema[]) {
      const resolved = deref(doc, part);
      for (const [key, value] of Object.entries(resolved)) {
        if (key === 'properties') merged.properties = { ...merged.properties, ...value };
        else if (key === 'required') merged.required = [...new Set([...(merged.required ?? []), ...value])];
        else if (merged[key] === undefined) merged[key] = value;
      }
    }
    return merged;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// What the generated requests may name

/**
 * Real ids and values the test set up, by the parameter or field name that carries them
 * (`providerId`, `cardId`, …), and a few real page cursors. Generated requests mostly name
 * these, so they reach the domain code and not only validation.
 */
export interface FuzzWorld {
  ids: Record<string, string[]>;
  cursors: string[];
  /** London today, YYYY-MM-DD, and now: dates are generated around them. */
  today: string;
  now: Date;
}

/** A valid NHS number (mod-11 check digit) from nine digits. */
export function nhsNumberFrom(nine: number): string | undefined {
  const digits = String(nine).padStart(9, '0');
  const sum = [...digits].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? undefined : `${digits}${check}`;
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);
const ULID_SOURCE = '^[0-9A-HJKMNP-TV-Z]{26}$';
const cap = (value: number | undefined, limit: number) => Math.min(value ?? limit, limit);

/** Realistic values for fields whose schema alone rarely produces a valid one. */
function hint(name: string | undefined): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'nhsNumber':
      return fc.integer({ min: 999_000_000, max: 999_999_999 }).map((n) => nhsNumberFrom(n) ?? '9434765919');
    case 'postcode':
      return fc.constantFrom('LU1 2AB', 'lu2 7ha', 'SW1A 1AA', 'M1 1AE', 'NOT A POSTCODE');
    case 'phone':
      return fc.constantFrom('07700 900123', '+447700900456', '020 7946 0000', '12');
    case 'email':
      return fc.integer({ min: 0, max: 1_000_000 }).map((n) => `fuzz-${n}@example.org`);
    case 'sub':
    case 'navigator':
    case 'from':
    case 'to':
      return fc.constantFrom('local-navigator', 'navigator-elsewhere', 'nobody');
    case 'scanId':
      return fc.uuid({ version: 4 });
    case 'code':
      return fc.stringMatching(/^[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    default:
      return undefined;
  }
}

function dateArb(world: FuzzWorld): fc.Arbitrary<string> {
  const base = Date.parse(`${world.today}T12:00:00Z`);
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -120, max: 200 }).map((days) => isoDate(new Date(base + days * 86_400_000))) },
    { weight: 1, arbitrary: fc.integer({ min: -40_000, max: 40_000 }).map((days) => isoDate(new Date(base + days * 86_400_000))) },
    { weight: 1, arbitrary: fc.constantFrom('1948-06-02', '2026-02-29', '2026-02-30', '2024-02-29', '0000-01-01', '9999-12-31', '2026-13-01') },
  );
}

function instantArb(world: FuzzWorld): fc.Arbitrary<string> {
  const now = world.now.getTime();
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -20 * 86_400, max: 600 }).map((s) => new Date(now + s * 1000).toISOString()) },
    { weight: 1, arbitrary: fc.integer({ min: -86_400, max: 86_400 }).map((s) => new Date(now + s * 1000).toISOString().replace('Z', '+01:00')) },
    { weight: 1, arbitrary: fc.constantFrom('2026-03-04T10:00:00', '2026-03-04 10:00:00Z', '1970-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z') },
  );
}

/** A value the schema allows (mostly: formats and hints lean towards what the domain accepts). */
export function validValue(doc: OpenApiDocument, world: FuzzWorld, schema: JsonSchema, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(doc, schema);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  if (s.const !== undefined) return fc.constant(s.const);
  const variants = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (variants) return fc.oneof(...variants.map((variant) => validValue(doc, world, variant, name, depth)));
  if (Array.isArray(s.type)) {
    return fc.oneof(...(s.type as string[]).map((type) => (type === 'null' ? fc.constant(null) : validValue(doc, world, { ...s, type }, name, depth))));
  }
  const known = name ? world.ids[name] : undefined;
  switch (s.type) {
    case 'string': {
      if (known && known.length > 0) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.ulid() });
      if (s.format === 'date') return dateArb(world);
      if (s.format === 'date-time') return instantArb(world);
      if (s.format === 'email') return hint('email')!;
      if (s.format === 'uuid') return fc.uuid({ version: 4 });
      const hinted = hint(name);
      if (hinted) return hinted;
      if (s.pattern === ULID_SOURCE) {
        const all = Object.values(world.ids).flat();
        return all.length > 0 ? fc.oneof(fc.constantFrom(...all), fc.ulid()) : fc.ulid();
      }
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern), { maxLength: cap(s.maxLength, 64) });
      // Any text the schema allows: mostly printable ASCII, sometimes any code point at all
      // (controls, NUL, half surrogate pairs), which a schema with only a length does not exclude.
      const lengths = { minLength: s.minLength ?? 0, maxLength: Math.max(s.minLength ?? 0, cap(s.maxLength, 24)) };
      return fc.oneof({ weight: 3, arbitrary: fc.string(lengths) }, { weight: 1, arbitrary: fc.string({ ...lengths, unit: 'binary' }) }, { weight: 1, arbitrary: fc.constantFrom('\u0000', 'tab\there', 'a\ud800b', '\udfff', 'esc\u001b[0m', 'line\nbreak').filter((v) => v.length >= lengths.minLength && v.length <= lengths.maxLength) });
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const min = s.minItems ?? 0;
      return fc.array(validValue(doc, world, s.items ?? {}, singular(name), depth + 1), { minLength: min, maxLength: Math.max(min, cap(s.maxItems, 3)) });
    }
    case 'object':
    default: {
      if (!s.properties) return depth > 2 ? fc.constant({}) : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      const required = new Set<string>(s.required ?? []);
      const fields: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(s.properties as Record<string, JsonSchema>)) {
        fields[key] = depth > 4 ? fc.constant(null) : validValue(doc, world, property, key, depth + 1);
      }
      return fc.record(fields, { requiredKeys: [...required].filter((key) => key in fields) });
    }
  }
}

/** `activityIds` → `activityId`: an array's items take the known values of the singular name. */
const singular = (name: string | undefined) => (name?.endsWith('Ids') ? name.slice(0, -1) : name);

// ---------------------------------------------------------------------------------------------
// Hostile values and mutations

const withOwnProto = () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown;
const nested = (depth: number): unknown => {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/** Values no field wants: wrong types, edge numbers, NUL, lone surrogates, huge and strange strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0.000001,
      1e308,
      -1e308,
      2 ** 53 + 2,
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udfff',
      'x\ud83d',
      '\ud83dx\ude00',
      '\u202egnp.exe',
      '\ufeffBOM',
      '\u0007\u001b[31m',
      '😀'.repeat(40),
      '<script>alert(1)</script>',
      "'; DROP TABLE x; --",
      '=HYPERLINK("http://x","y")',
      '../../../etc/passwd',
      '%00',
      'PROVIDER#01JD0000000000000000000000',
      '01JD0000000000000000000000',
      '9'.repeat(400),
      'A'.repeat(10_000),
      [],
      {},
      [null],
      ['a', 1, null],
    ),
  },
  { weight: 1, arbitrary: fc.constant('A'.repeat(70_000)) },
  { weight: 1, arbitrary: fc.constant(nested(60)) },
  { weight: 1, arbitrary: fc.constant(null).map(withOwnProto) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
);

type JsonPath = (string | number)[];

function pathsOf(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const key of Object.keys(value)) pathsOf((value as Record<string, unknown>)[key], [...prefix, key], out);
  return out;
}

const clone = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

function setAt(root: unknown, path: JsonPath, replacement: unknown, remove = false): unknown {
  if (path.length === 0) return replacement;
  const copy = clone(root) as Record<string | number, unknown>;
  let parent: any = copy;
  for (const step of path.slice(0, -1)) parent = parent[step];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (last === '__proto__') {
    Object.defineProperty(parent, last, { value: replacement, enumerable: true, writable: true, configurable: true });
  } else parent[last] = replacement;
  return copy;
}

/** A body to send: JSON of a value, raw text (malformed JSON and the like), raw bytes (not UTF-8), or none at all. */
export type FuzzBody = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string } | { kind: 'bytes'; bytes: number[] } | { kind: 'none' };

/** Bodies that are not even UTF-8. */
const BYTE_BODIES: number[][] = [
  [0xff, 0xfe, 0x7b, 0x7d],
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d],
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d],
  [0x00, 0x00, 0x00, 0x7b],
];

const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'prototype', 'toString', '', 'status', 'patientId', 'role', 'PK', 'SK', 'GSI1PK', 'version'];

function rawBodies(value: unknown): string[] {
  const json = JSON.stringify(value ?? {});
  return [
    '',
    '{',
    '}',
    '{"a":',
    'null',
    '[]',
    '"text"',
    '12',
    'true',
    'NaN',
    "{'single': 'quotes'}",
    `${json}garbage`,
    `${json}}`,
    json.slice(0, Math.max(1, Math.floor(json.length / 2))),
    `\ufeff${json}`,
    `${' '.repeat(66_000)}${json}`,
    `{"a":"${'x'.repeat(66_000)}"}`,
    '['.repeat(20_000) + ']'.repeat(20_000),
    '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
    json.length > 2 ? `{"dup":1,${json.slice(1, -1)},${json.slice(1, -1)}}` : '{"dup":1,"dup":2}',
    '{"\u0000":"\u0000"}',
    '{"a":"\\ud800"}',
    '\u0000',
  ];
}

/** A valid body for an operation (none when it takes none). */
function validBodyArb(doc: OpenApiDocument, world: FuzzWorld, schema: JsonSchema | undefined): fc.Arbitrary<{ body: FuzzBody; mutation: string }> {
  if (!schema) return fc.constant({ body: { kind: 'none' } as FuzzBody, mutation: 'no body' });
  return validValue(doc, world, schema).map((value) => ({ body: { kind: 'json', value } as FuzzBody, mutation: 'valid body' }));
}

/** A body that is wrong: the schema's value with a field replaced, removed or added; malformed JSON; bytes; none. */
function mutatedBodyArb(doc: OpenApiDocument, world: FuzzWorld, schema: JsonSchema | undefined): fc.Arbitrary<{ body: FuzzBody; mutation: string }> {
  if (!schema) {
    return fc.oneof(
      hostileValue.map((value) => ({ body: { kind: 'json', value } as FuzzBody, mutation: 'unexpected body' })),
      fc.constantFrom(...rawBodies({})).map((text) => ({ body: { kind: 'raw', text } as FuzzBody, mutation: 'unexpected raw body' })),
    );
  }
  return validValue(doc, world, schema).chain((value) => {
    const paths = pathsOf(value);
    const objectPaths = paths.filter((path) => {
      let node: any = value;
      for (const step of path) node = node?.[step];
      return node !== null && typeof node === 'object' && !Array.isArray(node);
    });
    const json = (v: unknown, mutation: string) => ({ body: { kind: 'json', value: v } as FuzzBody, mutation });
    return fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.constantFrom(...paths), hostileValue)
          .map(([path, bad]) => json(setAt(value, path, bad), `replaced ${path.join('.') || '(root)'}`)),
      },
      ...(paths.length > 1
        ? [{ weight: 2, arbitrary: fc.constantFrom(...paths.slice(1)).map((path) => json(setAt(value, path, undefined, true), `removed ${path.join('.')}`)) }]
        : []),
      ...(objectPaths.length > 0
        ? [
            {
              weight: 2,
              arbitrary: fc
                .tuple(fc.constantFrom(...objectPaths), fc.constantFrom(...EXTRA_KEYS), hostileValue)
                .map(([path, key, extra]) => json(setAt(value, [...path, key], extra), `extra ${[...path, key].join('.')}`)),
            },
          ]
        : []),
      { weight: 3, arbitrary: fc.constantFrom(...rawBodies(value)).map((text) => ({ body: { kind: 'raw', text } as FuzzBody, mutation: 'malformed JSON' })) },
      { weight: 1, arbitrary: fc.constantFrom(...BYTE_BODIES).map((bytes) => ({ body: { kind: 'bytes', bytes } as FuzzBody, mutation: 'not UTF-8' })) },
      { weight: 1, arbitrary: fc.constant({ body: { kind: 'none' } as FuzzBody, mutation: 'missing body' }) },
    );
  });
}

/** Content types that are not plain `application/json`: wrong, absent, or oddly spelled. */
const otherContentTypeArb: fc.Arbitrary<string | undefined> = fc.constantFrom<string | undefined>(
  undefined,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/jsonx',
  'application/xml',
  'text/json',
  '*/*',
  'application/json, text/plain',
);

// ---------------------------------------------------------------------------------------------
// Paths, queries and callers

const encodeSegment = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // a lone surrogate: sent as it is
  }
};

/** A path segment the schema allows (mostly a real id), percent-encoded. */
function validSegmentArb(doc: OpenApiDocument, world: FuzzWorld, param: ParameterObject): fc.Arbitrary<{ segment: string; mutation?: string }> {
  return validValue(doc, world, param.schema, param.name).map((value) => ({ segment: encodeSegment(String(value)) }));
}

/** A path segment that is wrong: an unknown ULID, another kind of id, not a ULID at all, bad percent-encoding. */
function hostileSegmentArb(world: FuzzWorld, param: ParameterObject): fc.Arbitrary<{ segment: string; mutation?: string }> {
  const all = Object.values(world.ids).flat();
  return fc.oneof(
    { weight: 2, arbitrary: fc.ulid().map((id) => ({ segment: id, mutation: `unknown ULID ${param.name}` })) },
    ...(all.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...all).map((id) => ({ segment: id, mutation: `another kind of id as ${param.name}` })) }] : []),
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          'x',
          'null',
          'undefined',
          '0',
          '-1',
          '01JD000000000000000000000',
          '01JD00000000000000000000000',
          '01jd0000000000000000000000',
          '01JD000000000000000000000I',
          '%00',
          '%ED%A0%80',
          '%C0%AF',
          '%zz',
          '%',
          '..',
          '.',
          '%2e%2e',
          'a%2Fb',
          'A'.repeat(3_000),
          '%F0%9F%98%80',
          'a%20b',
          'PROVIDER%2301JD0000000000000000000000',
          "'%20OR%20'1'%3D'1",
          '%3Cscript%3E',
          'CARD-%00-0000',
        )
        .map((segment) => ({ segment, mutation: `hostile ${param.name} ${segment.slice(0, 30)}` })),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => ({ segment: encodeSegment(s), mutation: `random ${param.name}` })) },
  );
}

/** Cursors nobody issued: random base64url, ids of the wrong kind, key-like text, bad base64, overlong. */
export function forgedCursorArb(world: FuzzWorld): fc.Arbitrary<string> {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  const all = Object.values(world.ids).flat();
  return fc.oneof(
    ...(world.cursors.length > 0 ? [fc.constantFrom(...world.cursors)] : []),
    fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
    fc.ulid().map(b64),
    ...(all.length > 0 ? [fc.constantFrom(...all).map(b64)] : []),
    fc.constantFrom(
      b64('PROVIDER#01JD0000000000000000000000'),
      b64('01JD0000000000000000000000#01JD0000000000000000000000'),
      b64('{"PK":"PROVIDER#x","SK":"PROVIDER"}'),
      b64('\u0000'),
      b64('\ud800'),
      b64(''),
      'not base64!!',
      '====',
      'A'.repeat(200),
      'A'.repeat(201),
      '%00',
      '%ED%A0%80',
    ),
  );
}

function hostileQueryValueArb(doc: OpenApiDocument, world: FuzzWorld, param: ParameterObject): fc.Arbitrary<string> {
  const specific = param.name === 'cursor' ? [{ weight: 6, arbitrary: forgedCursorArb(world) }] : [];
  return fc.oneof(
    { weight: 2, arbitrary: validQueryValueArb(doc, world, param) },
    ...specific,
    {
      weight: 3,
      arbitrary: fc.constantFrom('', '0', '-1', '1e3', '1.5', '101', '99999999999999999999', 'abc', 'null', 'true', '\u0000', 'A'.repeat(5_000), '2026-02-30', '2026-1-1', '[]'),
    },
    { weight: 1, arbitrary: hostileValue.map((value) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '')) },
  );
}

const validQueryValueArb = (doc: OpenApiDocument, world: FuzzWorld, param: ParameterObject): fc.Arbitrary<string> =>
  validValue(doc, world, param.schema, param.name).map((value) => (Array.isArray(value) ? value.join(',') : String(value)));

/**
 * A query string (without `?`). Valid: the required parameters and some optional ones, as the
 * schema allows. Hostile: any of them wrong, forged cursors, and repeated, unknown or raw parameters.
 */
function queryArb(doc: OpenApiDocument, world: FuzzWorld, params: readonly ParameterObject[], hostile: boolean): fc.Arbitrary<string> {
  // A made-up cursor is a 400 by design: a clean request sends none (real ones are sent as hostile).
  const entries = params.filter((param) => hostile || param.name !== 'cursor').map((param) =>
    fc.option((hostile ? hostileQueryValueArb(doc, world, param) : validQueryValueArb(doc, world, param)).map((value) => [param.name, value] as const), {
      freq: param.required ? (hostile ? 6 : 1_000) : 2,
      nil: undefined,
    }),
  );
  const extras = hostile
    ? fc.constantFrom('', 'unknown=1', '__proto__[x]=1', 'limit=1&limit=500', 'cursor=%ED%A0%80', 'limit=%', 'from=2026-01-01&from=2026-02-01', 'a'.repeat(4_000) + '=1')
    : fc.constant('');
  return fc.tuple(fc.tuple(...entries), extras).map(([pairs, extra]) => {
    const search = new URLSearchParams();
    for (const pair of pairs) {
      if (!pair) continue;
      try {
        search.append(pair[0], pair[1]);
      } catch {
        // a value URLSearchParams will not take is simply left out
      }
    }
    return [search.toString(), extra].filter(Boolean).join('&');
  });
}

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'role'; role: Role; providerId?: string }
  | { kind: 'garbage'; header: string }
  | { kind: 'expired'; role: Role };

const asRole = (world: FuzzWorld, role: Role): fc.Arbitrary<Caller> => {
  const providers = world.ids.providerId ?? [];
  return role === 'provider' && providers.length > 0
    ? fc.constantFrom(...providers).map((providerId) => ({ kind: 'role', role, providerId }) as Caller)
    : fc.constant({ kind: 'role', role } as Caller);
};

/** A role the operation allows (any role for a public one). */
function allowedCallerArb(world: FuzzWorld, access: FuzzOperation['access']): fc.Arbitrary<Caller> {
  return fc.constantFrom(...(access === 'public' ? ROLES : access)).chain((role) => asRole(world, role));
}

/** Any role, nobody, or a bad token (garbage, or expired). */
function anyCallerArb(world: FuzzWorld): fc.Arbitrary<Caller> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ROLES).chain((role) => asRole(world, role)) },
    { weight: 1, arbitrary: fc.constant<Caller>({ kind: 'anonymous' }) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom('Bearer', 'Bearer ', 'Bearer abc.def.ghi', 'Basic dXNlcjpwYXNz', 'bearer x y', 'Bearer eyJhbGciOiJub25lIn0.e30.', `Bearer ${'A'.repeat(9_000)}`).map(
          (header) => ({ kind: 'garbage', header }) as Caller,
        ),
        fc.constantFrom(...ROLES).map((role) => ({ kind: 'expired', role }) as Caller),
      ),
    },
  );
}

/** X-Forwarded-For: mostly none; otherwise an address, a list, nonsense, or far too long. */
const forwardedForArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 1, arbitrary: fc.tuple(fc.ipV4(), fc.ipV4()).map(([a, b]) => `${a}, ${b}`) },
  { weight: 1, arbitrary: fc.constantFrom('', ',', 'unknown', ' , ', 'PROVIDER#x', '::1', '999.999.999.999', 'é', '\u00ff'.repeat(20), 'a'.repeat(3_000)) },
);

// ---------------------------------------------------------------------------------------------
// A whole request

export interface FuzzRequest {
  operation: FuzzOperation;
  /** The URL path and query, percent-encoded as sent. */
  url: string;
  caller: Caller;
  /** An X-Forwarded-For header (the rate limits of the routes that need no token count by it). */
  forwardedFor: string | undefined;
  contentType: string | undefined;
  body: FuzzBody;
  /** What was done to it, for the report. */
  mutations: string[];
}

/**
 * What a request gets wrong: nothing (so it reaches the domain), one part of it (so a failure
 * points at that part), or anything at all.
 */
const MODES = [
  { mode: 'clean', weight: 3 },
  { mode: 'body', weight: 4 },
  { mode: 'path', weight: 2 },
  { mode: 'query', weight: 2 },
  { mode: 'caller', weight: 1 },
  { mode: 'content type', weight: 1 },
  { mode: 'anything', weight: 3 },
] as const;
type Mode = (typeof MODES)[number]['mode'];

export function requestArb(doc: OpenApiDocument, world: FuzzWorld, operation: FuzzOperation): fc.Arbitrary<FuzzRequest> {
  const hasBody = operation.method !== 'get';
  const modes = MODES.filter(({ mode }) => {
    if (mode === 'path') return operation.pathParams.length > 0;
    if (mode === 'query') return operation.queryParams.length > 0;
    if (mode === 'content type') return hasBody && operation.body !== undefined;
    if (mode === 'body') return hasBody;
    return true;
  });
  return fc.oneof(...modes.map(({ mode, weight }) => ({ weight, arbitrary: requestInMode(doc, world, operation, mode) })));
}

function requestInMode(doc: OpenApiDocument, world: FuzzWorld, operation: FuzzOperation, mode: Mode): fc.Arbitrary<FuzzRequest> {
  const wild = mode === 'anything';
  const segment = (param: ParameterObject) =>
    mode === 'path' ? hostileSegmentArb(world, param) : wild ? fc.oneof({ weight: 3, arbitrary: validSegmentArb(doc, world, param) }, hostileSegmentArb(world, param)) : validSegmentArb(doc, world, param);
  // In "path" mode one parameter (at least) is wrong: each is, with the first always so.
  const segments = fc.tuple(...operation.pathParams.map((param, i) => (mode === 'path' && i > 0 ? fc.oneof(validSegmentArb(doc, world, param), segment(param)) : segment(param))));
  // A GET cannot carry a body (fetch refuses to build one).
  const none = fc.constant({ body: { kind: 'none' } as FuzzBody, mutation: 'no body' });
  const body =
    operation.method === 'get'
      ? none
      : mode === 'body'
        ? mutatedBodyArb(doc, world, operation.body)
        : wild
          ? fc.oneof(validBodyArb(doc, world, operation.body), mutatedBodyArb(doc, world, operation.body))
          : validBodyArb(doc, world, operation.body);
  const json = fc.constant<string | undefined>('application/json');
  return fc
    .record({
      segments,
      query: queryArb(doc, world, operation.queryParams, mode === 'query' || wild),
      caller: mode === 'caller' || wild ? fc.oneof(allowedCallerArb(world, operation.access), anyCallerArb(world)) : allowedCallerArb(world, operation.access),
      contentType: mode === 'content type' ? otherContentTypeArb : wild ? fc.oneof({ weight: 3, arbitrary: json }, otherContentTypeArb) : json,
      body,
      forwardedFor: forwardedForArb,
    })
    .map(({ segments: values, query, caller, contentType, body: chosen, forwardedFor }) => {
      let i = 0;
      const path = operation.path.replace(/\{[^}]+\}/g, () => values[i++]!.segment);
      const mutations = [`${mode}:`, ...values.flatMap((value) => (value.mutation ? [value.mutation] : [])), chosen.mutation];
      if (contentType !== 'application/json') mutations.push(`content-type ${JSON.stringify(contentType)}`);
      if (forwardedFor !== undefined) mutations.push(`x-forwarded-for ${JSON.stringify(forwardedFor.slice(0, 40))}`);
      return { operation, url: query ? `${path}?${query}` : path, caller, forwardedFor, contentType, body: chosen.body, mutations };
    });
}
