import { isIP } from 'node:net';

export type FetchedFeed = { kind: 'fetched'; body: unknown } | { kind: 'refused'; code: string; message: string };

/** Where an import's feed URL is read from: the function fetches it itself (AWS), or nothing does. */
export interface FeedFetcher {
  fetch(url: string): Promise<FetchedFeed>;
}

export interface FeedFetchLimits {
  /** The whole fetch, body included. */
  timeoutMs: number;
  maxBytes: number;
  /** `https:` only, except in a test that serves a feed over plain HTTP on the loopback address. */
  protocols?: readonly string[];
  /** Loopback and private addresses are refused unless a test allows them. */
  allowPrivateAddresses?: boolean;
}

/** 5 s: the API function has 10 s in all, and the import still has to be written after the fetch. */
export const FEED_FETCH_LIMITS: FeedFetchLimits = { timeoutMs: 5_000, maxBytes: 4 * 1024 * 1024 };

const refused = (code: string, message: string): FetchedFeed => ({ kind: 'refused', code, message });

/** Literal addresses a feed may not be fetched from: loopback, private, link-local (the instance metadata), unspecified. */
function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  const family = isIP(bare);
  if (family === 4) {
    const [a = 0, b = 0] = bare.split('.').map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (family === 6) return bare === '::1' || bare === '::' || bare.startsWith('fc') || bare.startsWith('fd') || bare.startsWith('fe80') || bare.startsWith('::ffff:');
  return false;
}

/**
 * Reads a feed over HTTPS with Node's fetch: one request, no redirects followed, aborted after
 * the timeout (`AbortSignal.timeout`, which covers the body too) or as soon as the body passes
 * the size limit, and parsed as JSON. Every failure is a refusal naming what went wrong, so the
 * caller answers 400 — the URL is the client's to fix — and nothing is imported.
 */
export class HttpFeedFetcher implements FeedFetcher {
  constructor(private readonly limits: FeedFetchLimits = FEED_FETCH_LIMITS) {}

  async fetch(address: string): Promise<FetchedFeed> {
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      return refused('invalid_url', 'must be an absolute URL');
    }
    const protocols = this.limits.protocols ?? ['https:'];
    if (!protocols.includes(url.protocol)) return refused('url_not_https', 'feeds are fetched over https only');
    if (url.username || url.password) return refused('invalid_url', 'must not carry a user name or password');
    if (!this.limits.allowPrivateAddresses && isPrivateAddress(url.hostname)) return refused('url_not_public', 'must be a public address');
    try {
      const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(this.limits.timeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) return refused('feed_http_error', `the feed's server answered ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > this.limits.maxBytes) return refused('feed_too_large', `the feed is over ${this.limits.maxBytes} bytes`);
      const text = await readLimited(response, this.limits.maxBytes);
      if (text === undefined) return refused('feed_too_large', `the feed is over ${this.limits.maxBytes} bytes`);
      try {
        return { kind: 'fetched', body: JSON.parse(text) as unknown };
      } catch {
        return refused('feed_not_json', 'the feed is not valid JSON');
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return refused('feed_timeout', `the feed did not arrive within ${this.limits.timeoutMs / 1000} s`);
      return refused('feed_unreachable', 'the feed could not be fetched (no answer, a redirect, or a broken connection)');
    }
  }
}

/** The body as text, or undefined as soon as it passes `maxBytes` (the rest is not read). */
async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
