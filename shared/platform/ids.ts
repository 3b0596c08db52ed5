import { monotonicFactory } from 'ulid';

/** The source of new entity ids (ULIDs: sortable by creation time). Injected so tests can predict ids. */
export interface IdSource {
  next(): string;
}

export function ulidSource(clock: { now(): Date }): IdSource {
  const factory = monotonicFactory();
  return { next: () => factory(clock.now().getTime()) };
}

/** Crockford base32, 26 characters: the shape of every id Waymark issues. */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
