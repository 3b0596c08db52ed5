import { describe, expect, it } from 'vitest';
import { codeFromFragment, enrolmentCodeFrom, normaliseTypedCode, withoutFragment } from '../../../web/scan/enrolment';

/** A long code as the console's enrolment address carries it: a lookup part, a dot, 43 base64url characters. */
const LONG = `K7QFM.${'Ab9_-'.repeat(8)}xyz`;

describe('codeFromFragment', () => {
  it('takes the code after #enrol=, with or without the #', () => {
    expect(LONG.length).toBe(49);
    expect(codeFromFragment(`#enrol=${LONG}`)).toBe(LONG);
    expect(codeFromFragment(`enrol=${LONG}`)).toBe(LONG);
  });

  it('finds it among other fragment parameters, and decodes it', () => {
    expect(codeFromFragment(`#x=1&enrol=${LONG}&y=2`)).toBe(LONG);
    expect(codeFromFragment('#enrol=K7QFM%2D2XW9R%2DTBJ4C')).toBe('K7QFM-2XW9R-TBJ4C');
  });

  it('is nothing for an address with no code in its fragment', () => {
    expect(codeFromFragment('')).toBeUndefined();
    expect(codeFromFragment('#')).toBeUndefined();
    expect(codeFromFragment('#organisation-sign-in')).toBeUndefined();
    expect(codeFromFragment('#enrol=')).toBeUndefined();
    expect(codeFromFragment('#enrol=%20%20')).toBeUndefined();
  });
});

describe('withoutFragment', () => {
  it('drops the fragment and keeps the rest', () => {
    expect(withoutFragment(`https://waymark.example/scan/?a=1#enrol=${LONG}`)).toBe('https://waymark.example/scan/?a=1');
    expect(withoutFragment('https://waymark.example/scan/')).toBe('https://waymark.example/scan/');
  });
});

describe('normaliseTypedCode', () => {
  it('shows the typed form as the console does, whatever the case and spacing', () => {
    expect(normaliseTypedCode('K7QFM-2XW9R-TBJ4C')).toBe('K7QFM-2XW9R-TBJ4C');
    expect(normaliseTypedCode(' k7qfm 2xw9r tbj4c ')).toBe('K7QFM-2XW9R-TBJ4C');
    expect(normaliseTypedCode('k7qfm2xw9rtbj4c')).toBe('K7QFM-2XW9R-TBJ4C');
    expect(normaliseTypedCode('K7QFM – 2XW9R — TBJ4C')).toBe('K7QFM-2XW9R-TBJ4C');
  });

  it('forgives the read-aloud slips the server forgives: O for 0, I or L for 1', () => {
    expect(normaliseTypedCode('OOOOO-IIIII-lllll')).toBe('00000-11111-11111');
  });

  it('is nothing when it is not 15 Crockford characters', () => {
    expect(normaliseTypedCode('K7QFM-2XW9R-TBJ4')).toBeUndefined();
    expect(normaliseTypedCode('K7QFM-2XW9R-TBJ4CC')).toBeUndefined();
    expect(normaliseTypedCode('K7QFM-2XW9R-TBJ4U')).toBeUndefined(); // no U in Crockford's base32
    expect(normaliseTypedCode('K7QFM.2XW9R.TBJ4C')).toBeUndefined();
    expect(normaliseTypedCode('')).toBeUndefined();
  });
});

describe('enrolmentCodeFrom', () => {
  it('reads the console’s enrolment address, as its QR code holds it', () => {
    expect(enrolmentCodeFrom(`https://waymark.example/scan/#enrol=${LONG}`)).toEqual({ kind: 'code', code: LONG, form: 'long' });
    expect(enrolmentCodeFrom(`  http://localhost:3000/scan/#enrol=${LONG}\n`)).toEqual({ kind: 'code', code: LONG, form: 'long' });
  });

  it('reads the long code on its own, and the typed form however it was typed', () => {
    expect(enrolmentCodeFrom(LONG)).toEqual({ kind: 'code', code: LONG, form: 'long' });
    expect(enrolmentCodeFrom('k7qfm 2xw9r tbj4c')).toEqual({ kind: 'code', code: 'K7QFM-2XW9R-TBJ4C', form: 'typed' });
    expect(enrolmentCodeFrom('https://waymark.example/scan/#enrol=k7qfm-2xw9r-tbj4c')).toEqual({ kind: 'code', code: 'K7QFM-2XW9R-TBJ4C', form: 'typed' });
  });

  it('keeps the long code exactly: its secret is case-sensitive base64url', () => {
    const mixed = `AB12C.${'aZ'.repeat(21)}_`;
    expect(enrolmentCodeFrom(mixed)).toEqual({ kind: 'code', code: mixed, form: 'long' });
    expect(enrolmentCodeFrom(`ab12c.${'aZ'.repeat(21)}_`)).toEqual({ kind: 'not-a-code' }); // the lookup part is upper case
  });

  it('is not a code for a card’s QR code, another address, or a long code cut short', () => {
    expect(enrolmentCodeFrom('LUTON-0042-7731')).toEqual({ kind: 'not-a-code' });
    expect(enrolmentCodeFrom('https://waymark.example/c/LUTON-DEMO-04')).toEqual({ kind: 'not-a-code' });
    expect(enrolmentCodeFrom('https://waymark.example/scan/#organisation-sign-in')).toEqual({ kind: 'not-a-code' });
    expect(enrolmentCodeFrom(`https://waymark.example/scan/#enrol=${LONG.slice(0, 30)}`)).toEqual({ kind: 'not-a-code' });
    expect(enrolmentCodeFrom('')).toEqual({ kind: 'not-a-code' });
  });
});
