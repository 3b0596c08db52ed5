import { describe, expect, it, vi } from 'vitest';
import { DirectoryService, type RegistryReads } from '#shared/directory/service';
import type { ProviderRecord } from '#shared/registry/rules';

/** The feed's reuse of the registry it read (the reads themselves are tested on DynamoDB Local in feed.db.test.ts). */
function registry(): RegistryReads & { reads: number } {
  const provider: ProviderRecord = {
    providerId: '01JD0000000000000000000001',
    name: 'P',
    categories: ['physical'],
    accreditation: { status: 'accredited', validUntil: '2026-11-20', updatedAt: '2026-01-01T00:00:00.000Z' },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const reads = {
    reads: 0,
    allProviders: async () => {
      reads.reads += 1;
      return [provider];
    },
    listVenues: async () => ({ items: [] }),
    listActivities: async () => ({ items: [] }),
  };
  return reads;
}

describe('the feed’s registry cache', () => {
  it('reads the registry for every answer without a cache', async () => {
    const reads = registry();
    const service = new DirectoryService({ registry: reads, clock: { now: () => new Date('2026-11-20T10:00:00Z') } });
    await service.listServices({}, { page: 1, perPage: 10 });
    await service.listServices({}, { page: 1, perPage: 10 });
    expect(reads.reads).toBe(2);
  });

  it('reuses one read while fresh, reads again after it, and on a new London day at once', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const reads = registry();
      let now = new Date('2026-11-20T23:59:00Z');
      const service = new DirectoryService({ registry: reads, clock: { now: () => now }, cacheMs: 60_000 });
      await service.snapshot();
      await service.snapshot();
      expect(reads.reads).toBe(1);
      vi.advanceTimersByTime(60_000);
      await service.snapshot();
      expect(reads.reads).toBe(2);
      // Midnight in London: the provider accredited until the 20th must not be published from the cache.
      now = new Date('2026-11-21T00:00:01Z');
      const { day, snapshot } = await service.snapshot();
      expect(reads.reads).toBe(3);
      expect(day).toBe('2026-11-21');
      expect(snapshot.providers).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
