import { z } from 'zod';
import type { FieldIssue } from '#shared/platform/errors';
import { MAX_FEED_SERVICES } from './import-constants';

/**
 * The part of an Open Referral UK (v3.0) feed the registry import reads, checked with zod: the
 * fields it maps (organization → provider, location → venue, service at a location → activity,
 * schedules → the weekly schedule) with the types and required fields the ORUK schemas give them.
 * Everything else in the feed is ignored. A feed that breaks these rules is refused whole (400,
 * each problem with its path); one that is valid ORUK but does not fit Waymark (a US address, a
 * virtual location, a monthly schedule) is imported as far as it fits and the report says why.
 */

/** Feed ids become part of table keys, so they are held to a safe alphabet (ORUK's are UUIDs). */
const FeedId = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, dots, colons, dashes or underscores (an ORUK id is a UUID)');

const Text = z.string();

const Organization = z.object({
  id: FeedId,
  name: Text.min(1, 'must not be empty'),
  description: Text.optional(),
});

const Address = z.object({
  id: FeedId.optional(),
  address_1: Text.optional(),
  city: Text.optional(),
  state_province: Text.optional(),
  postal_code: Text.optional(),
  country: Text.optional(),
  address_type: z.enum(['physical', 'postal', 'virtual']).optional(),
});

const Location = z.object({
  id: FeedId,
  location_type: z.enum(['physical', 'postal', 'virtual']),
  name: Text.optional(),
  addresses: z.array(Address).optional(),
});

const Schedule = z.object({
  id: FeedId,
  valid_from: Text.optional(),
  valid_to: Text.optional(),
  freq: z.enum(['WEEKLY', 'MONTHLY']).optional(),
  interval: z.number().optional(),
  byday: Text.optional(),
  opens_at: Text.optional(),
  closes_at: Text.optional(),
});

const ServiceAtLocation = z.object({
  id: FeedId,
  location_id: FeedId.optional(),
  location: Location.optional(),
  schedules: z.array(Schedule).optional(),
});

const TaxonomyTerm = z.object({
  id: FeedId.optional(),
  name: Text.optional(),
  term: Text.optional(),
  taxonomy: Text.optional(),
});

const Attribute = z.object({
  id: FeedId.optional(),
  taxonomy_term: TaxonomyTerm.optional(),
});

const Service = z.object({
  id: FeedId,
  name: Text.min(1, 'must not be empty'),
  status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed']),
  organization_id: FeedId.optional(),
  organization: Organization.optional(),
  schedules: z.array(Schedule).optional(),
  service_at_locations: z.array(ServiceAtLocation).optional(),
  attributes: z.array(Attribute).optional(),
});

export type FeedOrganization = z.infer<typeof Organization>;
export type FeedLocation = z.infer<typeof Location>;
export type FeedSchedule = z.infer<typeof Schedule>;
export type FeedServiceAtLocation = z.infer<typeof ServiceAtLocation>;
export type FeedService = z.infer<typeof Service>;

export { MAX_FEED_SERVICES };

export type ParsedFeed = { kind: 'parsed'; services: FeedService[] } | { kind: 'invalid'; issues: FieldIssue[] };

const issue = (path: string, code: string, message: string): FieldIssue => ({ in: 'body', path, code, message });

/**
 * Reads a feed in any of the shapes ORUK publishes services in: a page of services
 * (`{ contents: [...] }`, as `/services` answers), a list of services, or one service (as
 * `/services/{id}` answers). Every problem is reported, each with its path in the body.
 */
export function parseFeed(body: unknown): ParsedFeed {
  const located = locateServices(body);
  if ('issue' in located) return { kind: 'invalid', issues: [located.issue] };
  const { list, prefix } = located;
  if (list.length === 0) return { kind: 'invalid', issues: [issue(prefix || '(body)', 'empty_feed', 'the feed lists no services')] };
  if (list.length > MAX_FEED_SERVICES) {
    return { kind: 'invalid', issues: [issue(prefix || '(body)', 'too_many_services', `at most ${MAX_FEED_SERVICES} services an import; split the feed`)] };
  }
  const parsed = z.array(Service).safeParse(list);
  if (!parsed.success) {
    const at = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter((part) => part !== '').join('.');
    return { kind: 'invalid', issues: parsed.error.issues.slice(0, 100).map((i) => issue(at(i.path), i.code, i.message)) };
  }
  const problems = consistencyProblems(parsed.data, prefix);
  return problems.length > 0 ? { kind: 'invalid', issues: problems } : { kind: 'parsed', services: parsed.data };
}

function locateServices(body: unknown): { list: unknown[]; prefix: string } | { issue: FieldIssue } {
  if (Array.isArray(body)) return { list: body, prefix: '' };
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if ('contents' in record) {
      if (!Array.isArray(record.contents)) return { issue: issue('contents', 'invalid_type', 'contents must be a list of services') };
      return { list: record.contents, prefix: 'contents' };
    }
    if ('id' in record && 'name' in record) return { list: [record], prefix: '' };
  }
  return {
    issue: issue(
      '(body)',
      'not_a_service_feed',
      'the body is not an ORUK service feed: send a page of services ({"contents": [...]}), a list of services, or one service',
    ),
  };
}

/**
 * What the schemas cannot say: ids that must be unique in a feed (services, services at
 * locations), and an organization or location given twice must be the same one both times.
 */
function consistencyProblems(services: FeedService[], prefix: string): FieldIssue[] {
  const problems: FieldIssue[] = [];
  const at = (...parts: (string | number)[]) => [prefix, ...parts.map(String)].filter((part) => part !== '').join('.');
  const serviceIds = new Map<string, number>();
  const placementIds = new Map<string, string>();
  const organizations = new Map<string, { name: string; where: string }>();
  const locations = new Map<string, { json: string; where: string }>();
  services.forEach((service, index) => {
    const first = serviceIds.get(service.id);
    if (first !== undefined) problems.push(issue(at(index, 'id'), 'duplicate_id', `service ${service.id} is also at ${at(first)}`));
    else serviceIds.set(service.id, index);

    if (!service.organization && !service.organization_id) {
      problems.push(issue(at(index, 'organization'), 'missing_organization', 'a service must name its organization (organization or organization_id)'));
    }
    if (service.organization && service.organization_id && service.organization.id !== service.organization_id) {
      problems.push(issue(at(index, 'organization_id'), 'organization_mismatch', 'organization_id differs from organization.id'));
    }
    if (service.organization) {
      const seen = organizations.get(service.organization.id);
      if (seen && seen.name !== service.organization.name) {
        problems.push(issue(at(index, 'organization', 'name'), 'conflicting_organization', `organization ${service.organization.id} has another name at ${seen.where}`));
      } else if (!seen) organizations.set(service.organization.id, { name: service.organization.name, where: at(index, 'organization') });
    }

    (service.service_at_locations ?? []).forEach((placement, p) => {
      const where = at(index, 'service_at_locations', p);
      const seen = placementIds.get(placement.id);
      if (seen) problems.push(issue(`${where}.id`, 'duplicate_id', `service at location ${placement.id} is also at ${seen}`));
      else placementIds.set(placement.id, where);
      if (!placement.location) {
        problems.push(issue(`${where}.location`, 'missing_location', 'each service at a location must include its location'));
        return;
      }
      if (placement.location_id && placement.location_id !== placement.location.id) {
        problems.push(issue(`${where}.location_id`, 'location_mismatch', 'location_id differs from location.id'));
      }
      const json = JSON.stringify(placement.location);
      const seenLocation = locations.get(placement.location.id);
      if (seenLocation && seenLocation.json !== json) {
        problems.push(issue(`${where}.location`, 'conflicting_location', `location ${placement.location.id} is described differently at ${seenLocation.where}`));
      } else if (!seenLocation) locations.set(placement.location.id, { json, where: `${where}.location` });
    });
  });
  return problems.slice(0, 100);
}
