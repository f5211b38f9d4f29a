import { describe, expect, it } from 'vitest';
import { shopperAddressLengthMax, shopperNameLengthMax } from '../../../shared/limits.ts';
import { SessionStart } from '../../../shared/protocol.ts';
import { validateShopper } from './shopper-validation.ts';

describe('shopper form validation', () => {
  it('requires both fields, after trimming', () => {
    expect(validateShopper('', '')).toEqual({ name: 'Please enter your name.', address: 'Please enter your address.' });
    expect(validateShopper('  ', '1 Main St')).toEqual({ name: 'Please enter your name.' });
    expect(validateShopper('Ada', '\t')).toEqual({ address: 'Please enter your address.' });
  });

  it('accepts exactly what the server accepts at the length limits', () => {
    const name = 'n'.repeat(shopperNameLengthMax);
    const address = 'a'.repeat(shopperAddressLengthMax);
    expect(validateShopper(name, address)).toEqual({});
    expect(SessionStart.safeParse({ type: 'session.start', requestId: 'r1', name, address }).success).toBe(true);

    const tooLong = validateShopper(`${name}n`, `${address}a`);
    expect(tooLong.name).toMatch(/at most 80/);
    expect(tooLong.address).toMatch(/at most 200/);
    expect(SessionStart.safeParse({ type: 'session.start', requestId: 'r1', name: `${name}n`, address }).success).toBe(false);
  });

  it('refuses control characters as the server does', () => {
    expect(validateShopper('Ada', 'Line one\nLine two').address).toMatch(/control characters/);
    expect(SessionStart.safeParse({ type: 'session.start', requestId: 'r1', name: 'Ada', address: 'Line one\nLine two' }).success).toBe(
      false,
    );
  });

  it('counts length in UTF-16 code units, as the server does: an emoji is two', () => {
    const emoji = '\u{1F600}';
    const atLimit = `${'n'.repeat(shopperNameLengthMax - 2)}${emoji}`;
    const overLimit = emoji.repeat(shopperNameLengthMax / 2 + 1);
    expect(validateShopper(atLimit, '1 Main St')).toEqual({});
    expect(SessionStart.safeParse({ type: 'session.start', requestId: 'r1', name: atLimit, address: '1 Main St' }).success).toBe(true);
    expect(validateShopper(overLimit, '1 Main St').name).toBe(`Name must be at most ${shopperNameLengthMax} characters.`);
    expect(SessionStart.safeParse({ type: 'session.start', requestId: 'r1', name: overLimit, address: '1 Main St' }).success).toBe(false);
  });

  it('refuses a lone surrogate as the server does', () => {
    expect(validateShopper('Ada', '1 Main\uDC00 St').address).toBe('Address must be well-formed Unicode text (it has a lone surrogate).');
  });
});

