/**
 * The scans the bench sends, shared by the parent (floor, capacity run) and the load child
 * (bench/load.ts): index i names one (card, activity, London day) combination, so every
 * index is a scan that has not been made before and is accepted — as long as no index is
 * used twice. Consecutive indexes go to different patients, so concurrent requests rarely
 * touch the same prescription.
 */
import { Temporal } from 'temporal-polyfill';

/** Days before the run's London date that scans fall on (1…13: inside the 14-day offline window). */
export const SCAN_DAYS = 13;

export interface ComboSpace {
  venueId: string;
  activityIds: string[];
  cardIds: string[];
  /** The London date the run started on (fixed for the whole run, so indexes never collide). */
  anchorDay: string;
}

export interface Scan {
  scanId: string;
  cardId: string;
  venueId: string;
  activityId: string;
  scannedAt: string;
}

export function comboCount(space: ComboSpace): number {
  return space.cardIds.length * space.activityIds.length * SCAN_DAYS;
}

/** 12:00 Europe/London on each of the SCAN_DAYS days before the anchor, as UTC instants. */
export function scanInstants(anchorDay: string): string[] {
  const anchor = Temporal.PlainDate.from(anchorDay);
  return Array.from({ length: SCAN_DAYS }, (_, k) =>
    anchor
      .subtract({ days: k + 1 })
      .toZonedDateTime({ timeZone: 'Europe/London', plainTime: Temporal.PlainTime.from('12:00') })
      .toInstant()
      .toString(),
  );
}

/**
 * The scan for index i (wrapping past the end: a wrapped index repeats a (card, activity, day)
 * combination and is answered 200 duplicate, which the report would show).
 */
export function comboScanner(space: ComboSpace, newId: () => string) {
  const instants = scanInstants(space.anchorDay);
  const patients = space.cardIds.length;
  const activities = space.activityIds.length;
  const total = comboCount(space);
  return (index: number): Scan => {
    const i = index % total;
    const patient = i % patients;
    const activity = Math.floor(i / patients) % activities;
    const day = Math.floor(i / (patients * activities));
    return {
      scanId: newId(),
      cardId: space.cardIds[patient]!,
      venueId: space.venueId,
      activityId: space.activityIds[activity]!,
      scannedAt: instants[day]!,
    };
  };
}
