import { describe, expect, it } from 'vitest';
import { passwordLengthMax, passwordLengthMin, shopperAddressLengthMax, shopperNameLengthMax } from './limits.ts';
import { AuthRegister, SessionStart, password, shopperAddress, shopperName } from './protocol.ts';
import { quotableText, textLengthUnits, textSchema } from './text.ts';

/** U+1F600, one code point and two UTF-16 code units. */
const emoji = '\u{1F600}';
const loneHigh = '\uD800';
const loneLow = '\uDC00';

const issuesOf = (result: { success: boolean; error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } }) =>
  result.error?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) ?? [];

const sessionStart = (name: string, address = '1 Main Street') => SessionStart.safeParse({ type: 'session.start', requestId: 'r1', name, address });

describe('text fields: well-formed Unicode only', () => {
  it.each([
    ['a lone high surrogate', `Ada${loneHigh}`],
    ['a lone low surrogate', `${loneLow}Ada`],
    ['a low surrogate before its high one', `Ada${loneLow}${loneHigh}`],
    ['only a lone surrogate', loneHigh],
  ])('refuses a name with %s, naming the field, and nothing else', (_, name) => {
    expect(issuesOf(sessionStart(name))).toEqual([{ path: 'name', message: 'name must be well-formed Unicode text (it has a lone surrogate)' }]);
  });

  it('refuses a lone surrogate in the address and the password too', () => {
    expect(issuesOf(sessionStart('Ada', `1 Main${loneHigh} Street`)).map((issue) => issue.path)).toEqual(['address']);
    const register = AuthRegister.safeParse({ type: 'auth.register', requestId: 'r1', username: 'ada', password: `long enough ${loneLow}` });
    expect(issuesOf(register).map((issue) => issue.path)).toEqual(['password']);
  });

  it('accepts a surrogate pair, as the one character it is', () => {
    expect(sessionStart(`Ada ${emoji}`).data?.name).toBe(`Ada ${emoji}`);
  });
});

describe('text fields: lengths count UTF-16 code units', () => {
  it('counts an astral character as two', () => {
    expect(textLengthUnits(emoji)).toBe(2);
    expect(textLengthUnits(`a${emoji}é`)).toBe(4);
  });

  it.each([
    ['ASCII', 'n'.repeat(shopperNameLengthMax)],
    ['emoji only', emoji.repeat(shopperNameLengthMax / 2)],
    ['text ending in an emoji', `${'n'.repeat(shopperNameLengthMax - 2)}${emoji}`],
  ])('accepts a name of exactly the limit in code units: %s', (_, name) => {
    expect(name.length).toBe(shopperNameLengthMax);
    expect(shopperName.safeParse(name).success).toBe(true);
  });

  it.each([
    ['ASCII', 'n'.repeat(shopperNameLengthMax + 1)],
    // 41 code points, 82 code units: zod's own max() counts code points and would let it through.
    ['emoji only', emoji.repeat(shopperNameLengthMax / 2 + 1)],
    // 80 code points, 81 code units.
    ['text ending in an emoji', `${'n'.repeat(shopperNameLengthMax - 1)}${emoji}`],
  ])('refuses a name of one code unit more: %s', (_, name) => {
    expect(issuesOf(shopperName.safeParse(name))).toEqual([{ path: '', message: `name must be at most ${shopperNameLengthMax} characters` }]);
  });

  it('measures after trimming', () => {
    expect(shopperAddress.safeParse(`  ${'a'.repeat(shopperAddressLengthMax - 2)}${emoji}\t`).data).toHaveLength(shopperAddressLengthMax);
  });

  it('counts a password the same way, at both ends', () => {
    expect(password.safeParse(emoji.repeat(passwordLengthMin / 2)).success).toBe(true);
    expect(password.safeParse(`${emoji.repeat(passwordLengthMin / 2 - 1)}x`).success).toBe(false);
    expect(password.safeParse(emoji.repeat(passwordLengthMax / 2)).success).toBe(true);
    expect(password.safeParse(`${emoji.repeat(passwordLengthMax / 2)}x`).success).toBe(false);
  });

  it('reports "required" for a blank field with a minimum of 1', () => {
    expect(issuesOf(textSchema({ field: 'note', lengthMin: 1, lengthMax: 5, trim: true }).safeParse('   '))).toEqual([{ path: '', message: 'note is required' }]);
  });
});

describe('quotableText', () => {
  it('cuts at a code unit limit without leaving half a pair', () => {
    expect(quotableText(`ab${emoji}`, 3)).toBe('ab');
    expect(quotableText(`ab${emoji}`, 4)).toBe(`ab${emoji}`);
    expect(quotableText(`a${loneHigh}b`, 10)).toBe('a\uFFFDb');
  });
});
