import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpFeedFetcher } from '#shared/registry/import-fetch';

/**
 * The feed-URL fetcher against a real HTTP server on the loopback address (this machine has no
 * internet, and an HTTPS server would need a certificate the fetch trusts): the tests allow
 * `http:` and private addresses, which the deployed fetcher refuses (tested below too).
 */
let server: Server;
let base: string;
const feed = { contents: [{ id: 'a', name: 'S', status: 'active', organization: { id: 'o', name: 'O' } }] };

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/feed':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(feed));
        return;
      case '/declared-large':
        res.setHeader('content-length', String(10_000));
        res.end('x'.repeat(10_000));
        return;
      case '/streamed-large':
        // No content-length: the body is counted as it arrives.
        res.write('['.padEnd(600, ' '));
        res.write(' '.repeat(600));
        res.end(']');
        return;
      case '/slow':
        setTimeout(() => res.end('{}'), 3_000);
        return;
      case '/not-json':
        res.end('<html>hello</html>');
        return;
      case '/redirect':
        res.writeHead(302, { location: '/feed' });
        res.end();
        return;
      default:
        res.writeHead(500);
        res.end('broken');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const testFetcher = new HttpFeedFetcher({ timeoutMs: 1_500, maxBytes: 1_000, protocols: ['http:'], allowPrivateAddresses: true });

describe('HttpFeedFetcher', () => {
  it('fetches and parses a feed', async () => {
    expect(await testFetcher.fetch(`${base}/feed`)).toEqual({ kind: 'fetched', body: feed });
  });

  it.each([
    ['/declared-large', 'feed_too_large'],
    ['/streamed-large', 'feed_too_large'],
    ['/slow', 'feed_timeout'],
    ['/not-json', 'feed_not_json'],
    ['/missing', 'feed_http_error'],
    ['/redirect', 'feed_unreachable'],
  ])('%s is refused as %s', async (path, code) => {
    expect(await testFetcher.fetch(`${base}${path}`)).toMatchObject({ kind: 'refused', code });
  });

  it('a port nobody listens on is refused, not thrown', async () => {
    expect(await testFetcher.fetch('http://127.0.0.1:9/feed')).toMatchObject({ kind: 'refused', code: 'feed_unreachable' });
  });

  const deployed = new HttpFeedFetcher();
  it.each([
    ['not a url', 'invalid_url'],
    ['http://directory.example.org/services', 'url_not_https'],
    ['ftp://directory.example.org/services', 'url_not_https'],
    ['https://user:secret@directory.example.org/services', 'invalid_url'],
    ['https://localhost/services', 'url_not_public'],
    ['https://127.0.0.1/services', 'url_not_public'],
    ['https://10.1.2.3/services', 'url_not_public'],
    ['https://192.168.0.4/services', 'url_not_public'],
    ['https://169.254.169.254/latest/meta-data', 'url_not_public'],
    ['https://[::1]/services', 'url_not_public'],
  ])('as deployed, %s is refused (%s) before any request', async (url, code) => {
    expect(await deployed.fetch(url)).toMatchObject({ kind: 'refused', code });
  });

  it('as deployed, the test server itself is refused: http and a loopback address', async () => {
    expect(await deployed.fetch(`${base}/feed`)).toMatchObject({ kind: 'refused', code: 'url_not_https' });
  });
});
