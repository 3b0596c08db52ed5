import { describe, expect, it } from 'vitest';
import { cardIdFromCode, cardIdFromNfc, isCardId, normaliseTyped } from '../../../web/scan/card';

describe('card numbers', () => {
  it('accepts 8–32 letters, digits and hyphens only', () => {
    expect(isCardId('LUTON-DEMO-04')).toBe(true);
    expect(isCardId('12345678')).toBe(true);
    expect(isCardId('1234567')).toBe(false);
    expect(isCardId('x'.repeat(33))).toBe(false);
    expect(isCardId('LUTON DEMO 04')).toBe(false);
    expect(isCardId('LUTON_DEMO_04')).toBe(false);
  });

  it('drops the spaces people type', () => {
    expect(normaliseTyped('  LUTON-DEMO-04 \n')).toBe('LUTON-DEMO-04');
    expect(normaliseTyped('1234 5678 9012')).toBe('123456789012');
  });

  it('reads the id from a QR code: bare, or at the end of a link', () => {
    expect(cardIdFromCode('LUTON-DEMO-04\n')).toBe('LUTON-DEMO-04');
    expect(cardIdFromCode('https://waymark.example/c/LUTON-DEMO-04')).toBe('LUTON-DEMO-04');
    expect(cardIdFromCode('https://waymark.example/scan?card=LUTON-DEMO-05')).toBe('LUTON-DEMO-05');
    expect(cardIdFromCode('hello world')).toBe('helloworld');
  });

  it('reads an NFC tag’s first text record, else its serial number as hex', () => {
    expect(cardIdFromNfc('LUTON-DEMO-06', '04:a2:5b:1c:2d:3e:4f')).toBe('LUTON-DEMO-06');
    expect(cardIdFromNfc(undefined, '04:a2:5b:1c:2d:3e:4f')).toBe('04A25B1C2D3E4F');
    expect(cardIdFromNfc('  ', '04:a2:5b:1c')).toBe('04A25B1C');
    expect(cardIdFromNfc(undefined, '')).toBeUndefined();
  });
});
