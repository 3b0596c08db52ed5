import { describe, expect, it, vi } from 'vitest';
import type { PersonDirectory } from '#shared/people/directory';
import { LazyPersonDirectory } from '#shared/people/lazy-directory';

const fakeDirectory = (): PersonDirectory => ({
  createUser: vi.fn(async () => ({ kind: 'created' as const, sub: 'sub-1' })),
  moveGroup: vi.fn(async () => {}),
  setEnabled: vi.fn(async () => {}),
  updateName: vi.fn(async () => {}),
});

describe('the directory loaded on first use', () => {
  it('loads nothing until it is called, then once for every later call, passing each call on', async () => {
    const real = fakeDirectory();
    const load = vi.fn(async () => real);
    const directory = new LazyPersonDirectory(load);
    expect(load).not.toHaveBeenCalled();
    const user = { email: 'sam@example.org', givenName: 'Sam', familyName: 'Okoro', group: 'navigator' as const };
    await expect(directory.createUser(user, { resume: false })).resolves.toEqual({ kind: 'created', sub: 'sub-1' });
    await Promise.all([directory.moveGroup('sub-1', ['navigator'], 'manager'), directory.setEnabled('sub-1', false)]);
    await directory.updateName('sub-1', { givenName: 'S', familyName: 'O' });
    expect(load).toHaveBeenCalledTimes(1);
    expect(real.createUser).toHaveBeenCalledWith(user, { resume: false });
    expect(real.moveGroup).toHaveBeenCalledWith('sub-1', ['navigator'], 'manager');
    expect(real.setEnabled).toHaveBeenCalledWith('sub-1', false);
    expect(real.updateName).toHaveBeenCalledWith('sub-1', { givenName: 'S', familyName: 'O' });
  });

  it('tries the load again after one that failed', async () => {
    const real = fakeDirectory();
    const load = vi.fn().mockRejectedValueOnce(new Error('no network')).mockResolvedValue(real);
    const directory = new LazyPersonDirectory(load);
    await expect(directory.setEnabled('sub-1', true)).rejects.toThrow('no network');
    await directory.setEnabled('sub-1', true);
    expect(load).toHaveBeenCalledTimes(2);
    expect(real.setEnabled).toHaveBeenCalledWith('sub-1', true);
  });
});
