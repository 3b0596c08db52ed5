import { describe, expect, it } from 'vitest';
import { isPlainText } from '#shared/platform/text';

describe('isPlainText', () => {
  it.each([
    ['Margaret O’Brien', true],
    ['Zoë Ní Bhriain', true],
    ['Café 😀 club', true],
    ['a\u0000b (NUL)', false],
    ['escape \u001b[31m', false],
    ['DEL \u007f', false],
    ['lone high \uD83D surrogate', false],
    ['lone low \uDE00 surrogate', false],
    ['two\nlines', false],
    ['a\ttab', false],
  ])('%j on one line → %s', (value, plain) => {
    expect(isPlainText(value)).toBe(plain);
  });

  it('multiline text may break lines and indent, but still has no control or broken characters', () => {
    expect(isPlainText('first line\nsecond\r\n\tthird', { multiline: true })).toBe(true);
    expect(isPlainText('nul\u0000', { multiline: true })).toBe(false);
    expect(isPlainText('half \uD800', { multiline: true })).toBe(false);
  });
});
