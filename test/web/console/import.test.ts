import { describe, expect, it } from 'vitest';
import { accreditationState, isAccreditedOn } from '../../../web/console/lib/accreditation';
import { MAX_FEED_BYTES, REASON_LABELS, feedProblems, readFeed } from '../../../web/console/lib/import';
import { canOpen, href, parseRoute } from '../../../web/console/lib/routes';

describe('the ORUK import screen', () => {
  it('has its own page under providers, for managers and admins only', () => {
    expect(parseRoute(href.importProviders())).toEqual({ name: 'importProviders' });
    expect(canOpen('manager', 'importProviders')).toBe(true);
    expect(canOpen('admin', 'importProviders')).toBe(true);
    expect(canOpen('navigator', 'importProviders')).toBe(false);
    expect(canOpen('provider', 'importProviders')).toBe(false);
  });

  it('reads a JSON file and refuses one that is not JSON or is too large, before sending anything', () => {
    expect(readFeed('{"contents": []}', 16)).toEqual({ feed: { contents: [] } });
    expect(readFeed('<html>', 6)).toEqual({ problem: expect.stringContaining('not JSON') });
    expect(readFeed('{}', MAX_FEED_BYTES + 1)).toEqual({ problem: expect.stringContaining('over 4 MB') });
  });

  it('lists a refused feed’s problems with where they are', () => {
    const body = {
      error: {
        code: 'invalid_request',
        message: 'The request is invalid.',
        issues: [
          { in: 'body', path: 'contents.0.id', code: 'invalid_type', message: 'Invalid input: expected string, received undefined' },
          { in: 'query', path: 'defaultCategory', code: 'invalid_value', message: 'Invalid option' },
        ],
      },
    };
    expect(feedProblems(body)).toEqual(['contents.0.id: Invalid input: expected string, received undefined', 'Default category: Invalid option']);
    expect(feedProblems({ error: { code: 'import_interrupted', message: 'Send the same feed again.' } })).toEqual(['Send the same feed again.']);
    expect(feedProblems(undefined)).toEqual(['The import failed. Try again.']);
  });

  it('says every skip reason in words', () => {
    for (const label of Object.values(REASON_LABELS)) expect(label.length).toBeGreaterThan(5);
  });

  it('shows a pending provider as pending, never as accredited, whatever its date', () => {
    const view = accreditationState({ status: 'pending', validUntil: '2030-01-01' }, '2026-11-23');
    expect(view).toMatchObject({ state: 'pending', label: 'Pending', tone: 'grey' });
    expect(isAccreditedOn({ status: 'pending', validUntil: '2030-01-01' }, '2026-11-23')).toBe(false);
  });
});
