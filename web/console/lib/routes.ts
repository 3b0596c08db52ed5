import type { Role } from './types';

/**
 * The console routes with the URL hash (`#/patients/01H…`), as the server only serves files.
 * Parsing and building hashes is pure, so links and the router agree.
 */
export type Route =
  | { name: 'home' }
  | { name: 'caseload' }
  | { name: 'referrals'; status?: string }
  | { name: 'newReferral' }
  | { name: 'patient'; patientId: string }
  | { name: 'plan'; patientId: string }
  | { name: 'followups'; status?: string }
  | { name: 'providers' }
  | { name: 'newProvider' }
  | { name: 'importProviders' }
  | { name: 'provider'; providerId: string }
  | { name: 'devices'; providerId: string }
  | { name: 'reports'; query: Record<string, string> }
  | { name: 'people'; role?: string }
  | { name: 'gpMessages'; status?: string; message?: string }
  | { name: 'notFound'; path: string };

const ID = /^[0-9A-Za-z-]{1,64}$/;
/** Patients' ids are ULIDs: a link with anything else is a page that does not exist, not a bad request. */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const segments = pathPart.split('/').filter(Boolean).map(safeDecode);
  const query = Object.fromEntries(new URLSearchParams(queryPart));
  const [first, second, ...rest] = segments;
  // A provider's scanning devices: the one page three segments deep.
  if (first === 'providers' && second && second !== 'new' && ID.test(second) && rest.length === 1 && rest[0] === 'devices') {
    return { name: 'devices', providerId: second };
  }
  // A person's printable plan.
  if (first === 'patients' && second && ULID.test(second) && rest.length === 1 && rest[0] === 'plan') {
    return { name: 'plan', patientId: second };
  }
  if (rest.length > 0) return { name: 'notFound', path: pathPart };
  switch (first) {
    case undefined:
      return { name: 'home' };
    case 'caseload':
      return second === undefined ? { name: 'caseload' } : { name: 'notFound', path: pathPart };
    case 'referrals':
      if (second === undefined) return query.status ? { name: 'referrals', status: query.status } : { name: 'referrals' };
      return second === 'new' ? { name: 'newReferral' } : { name: 'notFound', path: pathPart };
    case 'patients':
      return second && ULID.test(second) ? { name: 'patient', patientId: second } : { name: 'notFound', path: pathPart };
    case 'followups':
      if (second !== undefined) return { name: 'notFound', path: pathPart };
      return query.status ? { name: 'followups', status: query.status } : { name: 'followups' };
    case 'providers':
      if (second === undefined) return { name: 'providers' };
      if (second === 'new') return { name: 'newProvider' };
      if (second === 'import') return { name: 'importProviders' };
      return ID.test(second) ? { name: 'provider', providerId: second } : { name: 'notFound', path: pathPart };
    case 'reports':
      return second === undefined ? { name: 'reports', query } : { name: 'notFound', path: pathPart };
    case 'people':
      if (second !== undefined) return { name: 'notFound', path: pathPart };
      return query.role ? { name: 'people', role: query.role } : { name: 'people' };
    case 'gp-messages':
      if (second !== undefined) return { name: 'notFound', path: pathPart };
      // `message`: the one to open (a patient page links to it).
      return {
        name: 'gpMessages',
        ...(query.status ? { status: query.status } : {}),
        ...(query.message && ULID.test(query.message) ? { message: query.message } : {}),
      };
    default:
      return { name: 'notFound', path: pathPart };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const withQuery = (path: string, query: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
};

/** Hrefs for links: `href.patient(id)` → `#/patients/<id>`. */
export const href = {
  home: () => '#/',
  caseload: () => '#/caseload',
  referrals: (status?: string) => withQuery('#/referrals', { status }),
  newReferral: () => '#/referrals/new',
  patient: (patientId: string) => `#/patients/${encodeURIComponent(patientId)}`,
  plan: (patientId: string) => `#/patients/${encodeURIComponent(patientId)}/plan`,
  followups: (status?: string) => withQuery('#/followups', { status }),
  providers: () => '#/providers',
  newProvider: () => '#/providers/new',
  importProviders: () => '#/providers/import',
  provider: (providerId: string) => `#/providers/${encodeURIComponent(providerId)}`,
  devices: (providerId: string) => `#/providers/${encodeURIComponent(providerId)}/devices`,
  reports: (query: Record<string, string | undefined> = {}) => withQuery('#/reports', query),
  people: (role?: string) => withQuery('#/people', { role }),
  gpMessages: (status?: string, message?: string) => withQuery('#/gp-messages', { status, message }),
};

export type RouteName = Route['name'];

// Navigators open the reports of their own caseload; managers any navigator's caseload (the API scopes both).
const NAVIGATOR_ROUTES: readonly RouteName[] = ['caseload', 'referrals', 'newReferral', 'patient', 'plan', 'followups', 'reports', 'gpMessages'];
const MANAGER_ROUTES: readonly RouteName[] = ['providers', 'newProvider', 'importProviders', 'provider', 'devices', 'reports', 'people', 'caseload', 'gpMessages', 'referrals'];

/** Whether a role may open a page (the API still decides what it may read). */
export function canOpen(role: Role, name: RouteName): boolean {
  if (name === 'home' || name === 'notFound') return true;
  if (role === 'admin') return true;
  if (role === 'navigator') return NAVIGATOR_ROUTES.includes(name);
  if (role === 'manager') return MANAGER_ROUTES.includes(name) || name === 'patient' || name === 'plan';
  return false;
}

export interface NavLink {
  label: string;
  href: string;
  /** Routes that count as "this section" for aria-current. */
  matches: readonly RouteName[];
}

const NAVIGATOR_LINKS: NavLink[] = [
  { label: 'Caseload', href: href.caseload(), matches: ['caseload', 'patient', 'plan'] },
  { label: 'Referrals', href: href.referrals(), matches: ['referrals'] },
  { label: 'New referral', href: href.newReferral(), matches: ['newReferral'] },
  { label: 'Follow-ups', href: href.followups(), matches: ['followups'] },
  { label: 'GP outbox', href: href.gpMessages(), matches: ['gpMessages'] },
  { label: 'Reports', href: href.reports(), matches: ['reports'] },
];

const MANAGER_LINKS: NavLink[] = [
  { label: 'Providers', href: href.providers(), matches: ['providers', 'newProvider', 'importProviders', 'provider', 'devices'] },
  { label: 'Caseloads', href: href.caseload(), matches: ['caseload'] },
  // The referrals page: for managers, the unassigned triage queue (public referrals) to assign.
  { label: 'Triage', href: href.referrals(), matches: ['referrals'] },
  { label: 'GP outbox', href: href.gpMessages(), matches: ['gpMessages'] },
  { label: 'Reports', href: href.reports(), matches: ['reports'] },
  { label: 'People', href: href.people(), matches: ['people'] },
];

export function navLinks(role: Role): NavLink[] {
  if (role === 'navigator') return NAVIGATOR_LINKS;
  if (role === 'manager') return MANAGER_LINKS;
  // An admin has both sets once: the navigator's caseload and the manager's reports.
  if (role === 'admin') return [...NAVIGATOR_LINKS.filter((l) => l.label !== 'Reports'), ...MANAGER_LINKS.filter((l) => l.label !== 'Caseloads' && l.label !== 'GP outbox' && l.label !== 'Triage')];
  return [];
}

/** Where `#/` takes each role. */
export function homeRoute(role: Role): Route {
  return role === 'manager' ? { name: 'providers' } : { name: 'caseload' };
}
