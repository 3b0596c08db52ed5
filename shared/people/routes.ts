import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '#shared/platform/errors';
import {
  ErrorSchema,
  anyRole,
  commonErrors,
  conflictError,
  defineRoute,
  failWith,
  idParam,
  jsonBody,
  jsonResponse,
  notFoundError,
  pageOf,
  validationHook,
  type AppEnv,
} from '#shared/platform/http';
import { InvitePersonBody, PeopleQuery, Person, StaffContact, UpdatePersonBody } from './schema';
import type { PeopleOutcome, PeopleService } from './service';

const tags = ['People'];
const admins = anyRole('admin');
/** Managers see who is on the team; only admins change it. */
const readers = anyRole('manager', 'admin');

/** Staff who may look up a colleague's work contact (a navigator printing a plan names themself). */
const staff = anyRole('navigator', 'manager', 'admin');

const PersonPath = z.object({ personId: idParam('personId') });
const SubPath = z.object({
  sub: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:@-]+$/, 'must be a user id')
    .openapi({ param: { name: 'sub', in: 'path' }, description: 'The directory user id (the `sub` of their tokens).' }),
});
const busyError = {
  503: jsonResponse('The user directory is busy: nothing more was changed; send the same request again (Retry-After).', ErrorSchema),
} as const;

export const peopleRoutes = {
  invite: defineRoute(admins, {
    method: 'post',
    path: '/v1/people',
    tags,
    summary: 'Invite a person: an account in one role, with an emailed temporary password',
    description:
      'Provider staff need the providerId of an existing provider; no one else has one. Sending the same invitation again ' +
      'after a 503 finishes it.',
    request: { body: jsonBody(InvitePersonBody) },
    responses: { 201: jsonResponse('The person', Person), ...commonErrors, ...notFoundError, ...conflictError, ...busyError },
  }),
  list: defineRoute(readers, {
    method: 'get',
    path: '/v1/people',
    tags,
    summary: 'List people, oldest first, optionally of one role',
    request: { query: PeopleQuery },
    responses: { 200: jsonResponse('A page of people', pageOf(Person)), ...commonErrors },
  }),
  get: defineRoute(readers, {
    method: 'get',
    path: '/v1/people/{personId}',
    tags,
    summary: 'Read a person',
    request: { params: PersonPath },
    responses: { 200: jsonResponse('The person', Person), ...commonErrors, ...notFoundError },
  }),
  staffContact: defineRoute(staff, {
    method: 'get',
    path: '/v1/staff/{sub}',
    tags,
    summary: "A colleague's work contact, by user id",
    description: 'Navigators, managers and admins only, and only of enabled staff: the name and work email shown, for example, on a person’s printed plan.',
    request: { params: SubPath },
    responses: { 200: jsonResponse('Their work contact', StaffContact), ...commonErrors, ...notFoundError },
  }),
  update: defineRoute(admins, {
    method: 'patch',
    path: '/v1/people/{personId}',
    tags,
    summary: "Change a person's role or names, or disable (and sign out) or enable their account",
    description: 'An admin cannot disable their own account, and the last enabled admin stays one. Resending after a 503 finishes the change.',
    request: { params: PersonPath, body: jsonBody(UpdatePersonBody) },
    responses: { 200: jsonResponse('The person', Person), ...commonErrors, ...notFoundError, ...conflictError, ...busyError },
  }),
};

/** What these routes need, and no more: the composition root passes them in. */
export interface PeopleRoutesDeps {
  peopleService: PeopleService;
}

/** The failures of a people outcome that are not shared ones: busy is a 503 (with Retry-After, from the error handler). */
function failPeople(outcome: Exclude<PeopleOutcome<unknown>, { kind: 'done' }>): never {
  if (outcome.kind === 'busy') throw new ApiError(503, 'busy', 'The user directory is busy; send the same request again shortly.');
  return failWith(outcome);
}

export function peopleApp({ peopleService: people }: PeopleRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(peopleRoutes.invite, async (c) => {
    const outcome = await people.invite(c.req.valid('json'));
    return outcome.kind === 'done' ? c.json(outcome.value, 201) : failPeople(outcome);
  });

  app.openapi(peopleRoutes.list, async (c) => c.json(await people.list(c.req.valid('query')), 200));

  app.openapi(peopleRoutes.get, async (c) => {
    const outcome = await people.get(c.req.valid('param').personId);
    return outcome.kind === 'done' ? c.json(outcome.value, 200) : failPeople(outcome);
  });

  app.openapi(peopleRoutes.staffContact, async (c) => {
    const outcome = await people.staffContact(c.req.valid('param').sub);
    return outcome.kind === 'done' ? c.json(outcome.value, 200) : failPeople(outcome);
  });

  app.openapi(peopleRoutes.update, async (c) => {
    const outcome = await people.update(c.get('principal'), c.req.valid('param').personId, c.req.valid('json'));
    return outcome.kind === 'done' ? c.json(outcome.value, 200) : failPeople(outcome);
  });

  return app;
}
