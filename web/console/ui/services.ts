import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../../shared/api';
import type { Session } from '../../shared/session';
import { londonDate } from '../lib/dates';
import { messageOf } from '../lib/issues';

/** What every page needs: the typed API client, who is signed in, and the (local) clock. */
export interface Services {
  api: Api;
  session: Session;
  signOut: (message?: string) => void;
  /** Now, by the server's clock in local mode (which can be moved forward), else the browser's. */
  now: () => Date;
  /** Today's London date. */
  today: () => string;
}

export const ServicesContext = createContext<Services | undefined>(undefined);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside the signed-in app');
  return services;
}

/** A failed API call: its HTTP status and error body, so forms can place `issues` on fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(messageOf(body, status === 403 ? 'You do not have permission to do this.' : `The request failed (HTTP ${status}).`));
  }

  get code(): string | undefined {
    return (this.body as { error?: { code?: string } } | undefined)?.error?.code;
  }
}

/** The data of an openapi-fetch result, or an ApiError. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) throw new ApiError(result.response.status, result.error);
  return result.data;
}

/** Every page of a list endpoint (stops at `maxPages`, which no real registry reaches). */
export async function listAll<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>,
  maxPages = 50,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i += 1) {
    const result = await page(cursor);
    items.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return items;
}

export const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : 'Something went wrong. Try again.';

export type Loaded<T> =
  | { state: 'loading'; data?: undefined; error?: undefined }
  | { state: 'error'; data?: undefined; error: string }
  | { state: 'ready'; data: T; error?: undefined };

/**
 * Loads data for a page or section; `reload()` fetches again (after a change). A stale answer
 * (the inputs changed meanwhile) is dropped. A 401 has already signed the person out.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> & { reload: () => Promise<void> } {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  const reloading = useRef(false);
  const waiting = useRef<(() => void)[]>([]);
  useEffect(() => {
    const call = ++latest.current;
    // A reload keeps showing what is there until the new answer comes; new inputs do not.
    if (!reloading.current) setResult({ state: 'loading' });
    reloading.current = false;
    const settle = (next: Loaded<T>) => {
      if (call !== latest.current) return;
      setResult(next);
      const resolve = waiting.current.splice(0);
      resolve.forEach((done) => done());
    };
    load().then(
      (data) => settle({ state: 'ready', data }),
      (error: unknown) => settle({ state: 'error', error: errorText(error) }),
    );
  }, [...deps, version]);
  return {
    ...result,
    /** Loads again; resolves once the new answer is shown. */
    reload: () =>
      new Promise<void>((resolve) => {
        waiting.current.push(resolve);
        reloading.current = true;
        setVersion((v) => v + 1);
      }),
  };
}

/** Sets the document title ("Caseload – Waymark"), as GOV.UK services do. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} – Waymark`;
  }, [title]);
}

export const todayFrom = (now: () => Date) => () => londonDate(now());
