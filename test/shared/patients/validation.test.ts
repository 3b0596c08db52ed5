import { describe, expect, it } from 'vitest';
import {
  isPlausibleDateOfBirth,
  isValidNhsNumber,
  normaliseEmail,
  normaliseNhsNumber,
  normaliseUkPhone,
} from '#shared/patients/validation';

describe('NHS numbers', () => {
  /*
   * Worked by hand, weights 10..2 over the first nine digits:
   *   943 476 5919 → 9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2
   *               = 90 + 36 + 24 + 28 + 42 + 30 + 20 + 27 + 2 = 299
   *   299 mod 11 = 2 (11×27 = 297), 11 − 2 = 9 = the tenth digit ✓
   *   401 023 213? → 40 + 0 + 8 + 0 + 12 + 15 + 8 + 3 + 6 = 92; 92 mod 11 = 4; 11 − 4 = 7
   *   600 123 456? → 60 + 0 + 0 + 7 + 12 + 15 + 16 + 15 + 12 = 137; 137 mod 11 = 5; 11 − 5 = 6
   *   100 000 040? → 10 + 4×3 = 22; 22 mod 11 = 0; 11 − 0 = 11 → check digit 0
   */
  it.each(['9434765919', '943 476 5919', '943-476-5919', ' 943 476 5919 ', '4010232137', '6001234566', '1000000400'])(
    'accepts %j',
    (value) => {
      expect(isValidNhsNumber(value)).toBe(true);
    },
  );

  it.each(['9434765918', '9434765910', '4010232136', '6001234565', '1000000401'])(
    'rejects %j, whose check digit is wrong',
    (value) => {
      expect(isValidNhsNumber(value)).toBe(false);
    },
  );

  it('rejects every tenth digit when the check works out as 10', () => {
    // 123 456 789: 10 + 18 + 24 + 28 + 30 + 30 + 28 + 24 + 18 = 210; 210 mod 11 = 1; 11 − 1 = 10.
    for (let last = 0; last <= 9; last++) expect(isValidNhsNumber(`123456789${last}`)).toBe(false);
  });

  it.each(['943476591', '94347659190', '', '943 476 591', '9434765919 1'])('rejects %j, the wrong length', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });

  it.each(['94347659I9', 'ABC4765919', '943.476.5919', '943/476/5919', '+9434765919'])(
    'rejects %j, which has other characters',
    (value) => {
      expect(isValidNhsNumber(value)).toBe(false);
    },
  );

  it('rejects numbers of one repeated digit, though each passes the modulus 11 arithmetic', () => {
    for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(String(d).repeat(10))).toBe(false);
  });

  it('normalises by removing spaces and hyphens only', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normaliseNhsNumber('943-476-5919')).toBe('9434765919');
    expect(normaliseNhsNumber('943.476.5919')).toBe('943.476.5919');
  });
});

describe('UK phone numbers', () => {
  it.each([
    ['07700 900123', '+447700900123'],
    ['07700900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['+447700900123', '+447700900123'],
    ['0044 7700 900123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['07700-900-123', '+447700900123'],
    ['  07700 900 123  ', '+447700900123'],
    ['(01582) 123456', '+441582123456'],
    ['+44 (0)1582 123456', '+441582123456'],
    ['020 7946 0018', '+442079460018'],
    ['(020) 7946-0018', '+442079460018'],
    ['016977 2345', '+44169772345'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseUkPhone(input)).toBe(expected);
  });

  it.each([
    '',
    '7700 900123', // no leading 0 or country code
    '+33 1 23 45 67 89', // France
    '001 212 555 0100', // USA via international prefix
    '+44 07700 900123', // 0 after the country code
    '0044 0 7700 900123',
    '+44 0770 090012', // right length, but the national number starts with 0
    '00770 090012', // likewise, written domestically
    '077009001234', // 11 digits after the 0
    '0800 111', // too short
  ])('rejects %j', (input) => {
    expect(normaliseUkPhone(input)).toBeUndefined();
  });

  it.each(['07700 9OO123', '07700 900123 ext 12', '07700.900.123', '+44 7700 900123+', '07700 900123#'])(
    'rejects %j, which has other characters',
    (input) => {
      expect(normaliseUkPhone(input)).toBeUndefined();
    },
  );
});

describe('dates of birth', () => {
  const today = '2026-06-01';

  it.each([
    ['2000-02-29', 'a leap day'],
    ['2026-05-31', 'yesterday'],
    ['1990-12-31', 'an ordinary date'],
    ['1906-06-01', 'exactly 120 years ago'],
  ])('accepts %s (%s)', (value) => {
    expect(isPlausibleDateOfBirth(value, today)).toBe(true);
  });

  it.each([
    ['2001-02-29', 'not a leap year'],
    ['2026-06-01', 'today'],
    ['2026-06-02', 'tomorrow'],
    ['1906-05-31', '120 years and a day ago'],
    ['1905-06-01', '121 years ago'],
    ['1990-04-31', 'no 31 April'],
    ['31/12/1990', 'not ISO'],
    ['1990-1-31', 'not zero-padded'],
    ['', 'empty'],
  ])('rejects %j (%s)', (value) => {
    expect(isPlausibleDateOfBirth(value, today)).toBe(false);
  });

  it('counts 120 years from a leap day today', () => {
    expect(isPlausibleDateOfBirth('1904-02-29', '2024-02-29')).toBe(true);
    expect(isPlausibleDateOfBirth('1904-02-28', '2024-02-29')).toBe(false);
  });

  it('refuses a today that is not a calendar date (a programming error)', () => {
    expect(() => isPlausibleDateOfBirth('1990-01-01', '2026-02-30')).toThrow(RangeError);
  });
});

describe('email', () => {
  it('trims and lower-cases the domain only', () => {
    expect(normaliseEmail('  Jo.Bloggs@Example.NHS.UK ')).toBe('Jo.Bloggs@example.nhs.uk');
  });
});
