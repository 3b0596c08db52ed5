import { describe, expect, it } from 'vitest';
import { answerOf, display, issueMessage, recentLine, sessionsText, weeksLeftText, QUEUED_TEXT } from '../../../web/scan/result';

const accepted = { status: 'accepted', scanId: 's1', sessionsAttended: 5, weeksRemaining: 7, onPrescription: true };

describe('answerOf: what an answer to one scan means', () => {
  it('201 is accepted, with the counts', () => {
    expect(answerOf(201, accepted)).toEqual({ kind: 'final', outcome: { kind: 'accepted', sessionsAttended: 5, weeksRemaining: 7, onPrescription: true } });
  });

  it('200 is a duplicate, with the same counts', () => {
    expect(answerOf(200, { ...accepted, status: 'duplicate', sessionsAttended: 1, weeksRemaining: 1 })).toEqual({
      kind: 'final',
      outcome: { kind: 'duplicate', sessionsAttended: 1, weeksRemaining: 1, onPrescription: true },
    });
  });

  it('422 is rejected, carrying the server’s plain-English message', () => {
    const body = {
      status: 'rejected',
      scanId: 's1',
      reason: 'card_revoked',
      message: 'This card was reported lost. Ask the person to contact their navigator for a new one.',
      error: { code: 'card_revoked', message: 'This card was reported lost. Ask the person to contact their navigator for a new one.' },
    };
    expect(answerOf(422, body)).toEqual({
      kind: 'final',
      outcome: { kind: 'rejected', reason: 'card_revoked', message: body.message },
    });
  });

  it('400 is invalid, with the issue in words', () => {
    const body = { error: { code: 'invalid_request', message: 'Invalid input', issues: [{ in: 'body', path: 'cardId', code: 'invalid_string', message: 'must be 8–32 letters, digits or hyphens' }] } };
    expect(answerOf(400, body)).toEqual({ kind: 'final', outcome: { kind: 'invalid', message: 'The card number must be 8–32 letters, digits or hyphens.' } });
  });

  it('503 means send it again later; 401 means sign in again; anything else is kept too', () => {
    expect(answerOf(503, { error: { code: 'busy', message: 'Busy' } })).toEqual({ kind: 'retry' });
    expect(answerOf(401, { error: { code: 'unauthorized', message: 'No token' } })).toEqual({ kind: 'signed-out' });
    expect(answerOf(500, undefined)).toEqual({ kind: 'unexpected', status: 500 });
    expect(answerOf(403, undefined)).toEqual({ kind: 'unexpected', status: 403 });
  });

  it('a flag for an activity not on the prescription is kept', () => {
    const answer = answerOf(201, { ...accepted, onPrescription: false });
    expect(answer.kind === 'final' && answer.outcome).toMatchObject({ onPrescription: false });
  });
});

describe('issueMessage', () => {
  it('names other fields by their path, and falls back to the error message', () => {
    expect(issueMessage({ error: { code: 'x', message: 'm', issues: [{ in: 'body', path: 'weird', code: 'c', message: 'is wrong' }] } })).toBe('weird: is wrong.');
    expect(issueMessage({ error: { code: 'x', message: 'Too many scans' } })).toBe('Too many scans');
    expect(issueMessage(undefined)).toMatch(/card number/);
  });
});

describe('display: what the result area shows', () => {
  it('accepted: green, “Accepted”, sessions attended and weeks left', () => {
    expect(display({ kind: 'accepted', sessionsAttended: 5, weeksRemaining: 7, onPrescription: true })).toEqual({
      tone: 'good',
      headline: 'Accepted',
      details: ['5 sessions attended', '7 weeks left'],
    });
  });

  it('duplicate: amber, “Already recorded today”, same counts, singular where it is one', () => {
    expect(display({ kind: 'duplicate', sessionsAttended: 1, weeksRemaining: 1, onPrescription: true })).toEqual({
      tone: 'warn',
      headline: 'Already recorded today',
      details: ['1 session attended', '1 week left'],
    });
  });

  it('rejected: red, “Not accepted” and the reason', () => {
    expect(display({ kind: 'rejected', reason: 'unknown_card', message: 'This card is not registered.' })).toEqual({
      tone: 'bad',
      headline: 'Not accepted',
      details: ['This card is not registered.'],
    });
  });

  it('invalid: “Check the card number”; queued: the saved message', () => {
    expect(display({ kind: 'invalid', message: 'Too short.' })).toMatchObject({ tone: 'bad', headline: 'Check the card number', details: ['Too short.'] });
    expect(display({ kind: 'queued' })).toEqual({ tone: 'info', headline: 'Saved — it will be sent when you are back online', details: [] });
    expect(QUEUED_TEXT).toBe('Saved — it will be sent when you are back online');
  });

  it('flags a session that is not on the prescription', () => {
    expect(display({ kind: 'accepted', sessionsAttended: 2, weeksRemaining: 3, onPrescription: false }).details).toContain(
      'Counted, but this activity is not on their prescription.',
    );
  });

  it('pluralises zero as many', () => {
    expect(sessionsText(0)).toBe('0 sessions attended');
    expect(weeksLeftText(0)).toBe('0 weeks left');
    expect(weeksLeftText(12)).toBe('12 weeks left');
  });
});

describe('recentLine', () => {
  it('gives the status word and the counts or reason, worded apart from the big result', () => {
    expect(recentLine({ kind: 'accepted', sessionsAttended: 5, weeksRemaining: 1, onPrescription: true })).toBe('Accepted: 5 attended, 1 week to go');
    expect(recentLine({ kind: 'duplicate', sessionsAttended: 5, weeksRemaining: 2, onPrescription: true })).toBe('Already recorded: 5 attended, 2 weeks to go');
    expect(recentLine({ kind: 'rejected', reason: 'unknown_card', message: 'Not registered.' })).toBe('Not accepted: Not registered.');
    expect(recentLine({ kind: 'queued' })).not.toContain(QUEUED_TEXT);
  });
});
