/**
 * Where this device is scanning today: the venue and (optionally) the activity, remembered for
 * the day so a reload goes straight back to scanning. Kept with their names so the scanning
 * screen can show them with no connection. Pure: the page reads and writes localStorage.
 */
export interface ScanChoice {
  /** The device's calendar day it was chosen on, YYYY-MM-DD. */
  day: string;
  providerId: string;
  venueId: string;
  venueName: string;
  activityId?: string;
  activityName?: string;
}

export const CHOICE_KEY = 'waymark.scan.choice';

/** The device's local calendar day (a scanner is used where it stands), as YYYY-MM-DD. */
export function localDay(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The stored choice, if it was made today by this provider; otherwise none (choose again). */
export function choiceForToday(raw: string | null | undefined, today: string, providerId: string | undefined): ScanChoice | undefined {
  if (!raw || !providerId) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const choice = parsed as Partial<ScanChoice> | null;
  if (!choice || typeof choice !== 'object') return undefined;
  if (choice.day !== today || choice.providerId !== providerId) return undefined;
  if (typeof choice.venueId !== 'string' || typeof choice.venueName !== 'string') return undefined;
  return {
    day: choice.day,
    providerId: choice.providerId,
    venueId: choice.venueId,
    venueName: choice.venueName,
    ...(typeof choice.activityId === 'string' && choice.activityId
      ? { activityId: choice.activityId, activityName: typeof choice.activityName === 'string' ? choice.activityName : '' }
      : {}),
  };
}

/** The activities run at a venue, by name. */
export function activitiesAt<T extends { venueId: string; name: string }>(activities: T[], venueId: string): T[] {
  return activities.filter((activity) => activity.venueId === venueId).sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** The label for the activity line at the top of the scanning screen. */
export function activityLabel(choice: ScanChoice): string {
  return choice.activityId ? choice.activityName || 'Activity' : 'No particular activity';
}

/**
 * The provider a local-mode sign-in starts on: the first one accredited today, so the door is not
 * set up by default for a provider whose every scan would be refused; the first of all if none is.
 */
export function defaultProviderId(providers: readonly { providerId: string; accreditation: { currentlyAccredited: boolean } }[]): string {
  return (providers.find((p) => p.accreditation.currentlyAccredited) ?? providers[0])?.providerId ?? '';
}
