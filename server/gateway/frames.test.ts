import { describe, expect, it } from 'vitest';
import {
  lineQuantityMax,
  productIdMax,
  requestIdLengthMax,
  sessionTokenLength,
  shopperAddressLengthMax,
  shopperNameLengthMax,
} from '../../shared/limits.ts';
import { type ClientMessageType, type ErrorMessage, ErrorMessage as ErrorMessageSchema, clientMessageTypes } from '../../shared/protocol.ts';
import { type ParsedFrame, parseClientFrame } from './frames.ts';

const parseText = (text: string): ParsedFrame => parseClientFrame(Buffer.from(text, 'utf8'), false);
const parseValue = (value: unknown): ParsedFrame => parseText(JSON.stringify(value));

function refusal(parsed: ParsedFrame): ErrorMessage {
  if (parsed.ok) throw new Error(`expected a refusal, got a valid ${parsed.message.type}`);
  // Every refusal is itself a valid protocol frame.
  expect(ErrorMessageSchema.safeParse(parsed.error).success).toBe(true);
  return parsed.error;
}

function accepted(parsed: ParsedFrame) {
  if (!parsed.ok) throw new Error(`expected a valid message, got ${parsed.error.code}: ${parsed.error.message}`);
  return parsed.message;
}

const sessionToken = 'A'.repeat(sessionTokenLength - 2) + '_-';

/** One valid message of every type the protocol knows. */
const validMessages: Record<ClientMessageType, Record<string, unknown>> = {
  'session.start': { name: 'Ada Lovelace', address: '12 St James Square, London' },
  'session.resume': { sessionToken },
  'catalog.sync': {},
  'cart.add': { productId: 1, quantity: 2 },
  'cart.set': { productId: 1, quantity: 0 },
  'cart.clear': {},
  checkout: { expectedTotalCents: 4_900 },
  'orders.list': {},
  'sync.resume': { databaseId: '3f2a9c', sinceSeq: 41 },
  ping: {},
  'auth.register': { username: 'ada', password: 'correct horse' },
  'auth.signIn': { username: 'ada', password: 'correct horse' },
  'auth.resume': { sessionToken },
  'auth.signOut': {},
  'bank.openAccount': { kind: 'savings', amountCents: 10_000 },
  'bank.deposit': { accountNumber: '482017593672', amountCents: 1 },
  'bank.withdraw': { accountNumber: '482017593672', amountCents: 1 },
  'bank.transfer': { fromAccountNumber: '482017593672', toAccountNumber: '739104628563', amountCents: 250 },
  'bank.payLoanByCheck': { loanAccountNumber: '590271846303', amountCents: 250 },
  'bank.payLoanByTransfer': { fromAccountNumber: '482017593672', loanAccountNumber: '590271846303', amountCents: 250 },
  'bank.accounts': {},
  'bank.history': { limit: 10, beforeId: 5, accountNumber: '482017593672' },
  'audit.holders': { afterUsername: 'ada' },
  'audit.history': { username: 'ada', kind: 'transfer' },
  'audit.check': {},
  'dashboard.watch': {},
  'dashboard.unwatch': {},
};

const sessionStart = (fields: Record<string, unknown>) => ({
  type: 'session.start',
  requestId: 'r1',
  name: 'Ada',
  address: '1 Main Street',
  ...fields,
});
const cartAdd = (fields: Record<string, unknown>) => ({ type: 'cart.add', requestId: 'r1', productId: 1, quantity: 1, ...fields });

describe('parseClientFrame: valid messages', () => {
  it('has a valid example for every message type', () => {
    expect(Object.keys(validMessages).sort()).toEqual([...clientMessageTypes].sort());
  });

  it.each(Object.entries(validMessages))('parses %s', (type, fields) => {
    const message = accepted(parseValue({ type, requestId: `req-${type}`, ...fields }));
    expect(message.type).toBe(type);
    expect(message.requestId).toBe(`req-${type}`);
  });

  it('trims the shopper name and address', () => {
    const message = accepted(parseValue(sessionStart({ name: '  Ada  ', address: '\t1 Main Street ' })));
    expect(message).toEqual({ type: 'session.start', requestId: 'r1', name: 'Ada', address: '1 Main Street' });
  });

  it('reads the frame whether ws hands it over as one Buffer or as fragments', () => {
    const text = JSON.stringify({ type: 'ping', requestId: 'frag-1' });
    const fragments = [Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))];
    expect(accepted(parseClientFrame(fragments, false))).toEqual({ type: 'ping', requestId: 'frag-1' });
    const bytes = Buffer.from(text);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(accepted(parseClientFrame(arrayBuffer, false))).toEqual({ type: 'ping', requestId: 'frag-1' });
  });

  it(`accepts a requestId of exactly ${requestIdLengthMax} characters using every allowed symbol`, () => {
    const requestId = 'aZ09_.:-'.repeat(requestIdLengthMax / 8);
    expect(requestId).toHaveLength(requestIdLengthMax);
    expect(accepted(parseValue({ type: 'ping', requestId })).requestId).toBe(requestId);
  });
});

describe('parseClientFrame: frames that are not messages', () => {
  it('refuses a binary frame without reading it', () => {
    const error = refusal(parseClientFrame(Buffer.from(JSON.stringify({ type: 'ping', requestId: 'r1' })), true));
    expect(error).toMatchObject({ code: 'binary_frame', requestId: null });
  });

  it.each(['{', '', 'ping', "{'type':'ping'}", '{"type":"ping",}'])('refuses malformed JSON %j', (text) => {
    const error = refusal(parseText(text));
    expect(error.code).toBe('malformed_json');
    expect(error.requestId).toBeNull();
    expect(error.message).toMatch(/not valid JSON/);
  });

  it.each([
    ['an array', '[{"type":"ping","requestId":"r1"}]'],
    ['a number', '42'],
    ['null', 'null'],
    ['a string', '"ping"'],
    ['a boolean', 'true'],
  ])('refuses JSON that is %s, not an object', (_, text) => {
    expect(refusal(parseText(text))).toMatchObject({ code: 'invalid_message', requestId: null });
  });

  it('refuses a message without a type, echoing its requestId', () => {
    const error = refusal(parseValue({ requestId: 'r7', productId: 1 }));
    expect(error).toMatchObject({ code: 'invalid_message', requestId: 'r7' });
    expect(error.details?.issues).toEqual([{ path: 'type', message: expect.any(String) }]);
  });

  it('refuses a type that is not a string', () => {
    expect(refusal(parseValue({ type: 5, requestId: 'r8' }))).toMatchObject({ code: 'invalid_message', requestId: 'r8' });
  });

  it('refuses an unknown type, echoing the requestId', () => {
    const error = refusal(parseValue({ type: 'cart.steal', requestId: 'r9' }));
    expect(error).toMatchObject({ code: 'unknown_type', requestId: 'r9' });
    expect(error.message).toContain('cart.steal');
  });

  it('does not treat inherited object keys as message types', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(refusal(parseText(`{"type":${JSON.stringify(type)},"requestId":"r10"}`)).code).toBe('unknown_type');
    }
  });

  it('quotes at most 40 characters of an unknown type', () => {
    const error = refusal(parseValue({ type: 'x'.repeat(5_000), requestId: 'r11' }));
    expect(error.message).toContain(`"${'x'.repeat(40)}"`);
    expect(error.message).not.toContain('x'.repeat(41));
  });
});

describe('parseClientFrame: requestId', () => {
  it('refuses a message without a requestId, echoing null', () => {
    const error = refusal(parseValue({ type: 'ping' }));
    expect(error).toMatchObject({ code: 'invalid_message', requestId: null });
    expect(error.details?.issues?.map((issue) => issue.path)).toContain('requestId');
  });

  it(`refuses a requestId of ${requestIdLengthMax + 1} characters, echoing null`, () => {
    const requestId = 'r'.repeat(requestIdLengthMax + 1);
    const error = refusal(parseValue({ type: 'ping', requestId }));
    expect(error).toMatchObject({ code: 'invalid_message', requestId: null });
    expect(JSON.stringify(error)).not.toContain(requestId);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'r 1'],
    ['with a slash', 'r/1'],
    ['with a quote', 'r"1'],
    ['with a newline', 'r\n1'],
    ['non-ASCII', 'r\u00e91'],
  ])('refuses a requestId %s, echoing null', (_, requestId) => {
    expect(refusal(parseValue({ type: 'ping', requestId }))).toMatchObject({ code: 'invalid_message', requestId: null });
  });

  it('refuses a requestId that is not a string, echoing null', () => {
    expect(refusal(parseValue({ type: 'ping', requestId: 17 }))).toMatchObject({ code: 'invalid_message', requestId: null });
  });

  it('echoes null for an unknown type when the requestId cannot be read', () => {
    expect(refusal(parseValue({ type: 'nope', requestId: 'a b' }))).toMatchObject({ code: 'unknown_type', requestId: null });
  });
});

describe('parseClientFrame: fields', () => {
  it('refuses a missing field, naming it', () => {
    const error = refusal(parseValue({ type: 'cart.add', requestId: 'r1', productId: 1 }));
    expect(error).toMatchObject({ code: 'invalid_message', requestId: 'r1' });
    expect(error.details?.issues?.map((issue) => issue.path)).toEqual(['quantity']);
  });

  it('refuses an extra field, naming it', () => {
    const error = refusal(parseValue(cartAdd({ discountCents: 500 })));
    expect(error.code).toBe('invalid_message');
    expect(error.message).toContain('discountCents');
  });

  it('refuses extra fields on a message that has none', () => {
    expect(refusal(parseValue({ type: 'ping', requestId: 'r1', extra: true })).code).toBe('invalid_message');
  });

  it.each([
    ['productId as a string', { productId: '1' }],
    ['quantity as a string', { quantity: '1' }],
    ['quantity as a boolean', { quantity: true }],
    ['quantity as null', { quantity: null }],
    ['productId as an object', { productId: { id: 1 } }],
  ])('refuses %s', (_, fields) => {
    expect(refusal(parseValue(cartAdd(fields)))).toMatchObject({ code: 'invalid_message', requestId: 'r1' });
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['just over lineQuantityMax', lineQuantityMax + 1],
    ['huge', 1e308],
    ['past MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER + 2],
  ])('refuses a %s cart.add quantity', (_, quantity) => {
    const error = refusal(parseValue(cartAdd({ quantity })));
    expect(error.code).toBe('invalid_message');
    expect(new Set(error.details?.issues?.map((issue) => issue.path))).toEqual(new Set(['quantity']));
  });

  it(`accepts a cart.add quantity of exactly lineQuantityMax (${lineQuantityMax})`, () => {
    expect(accepted(parseValue(cartAdd({ quantity: lineQuantityMax })))).toMatchObject({ quantity: lineQuantityMax });
  });

  it('refuses a negative or fractional cart.set quantity but accepts 0 (remove)', () => {
    const cartSet = (quantity: number) => ({ type: 'cart.set', requestId: 'r1', productId: 1, quantity });
    expect(refusal(parseValue(cartSet(-1))).code).toBe('invalid_message');
    expect(refusal(parseValue(cartSet(0.5))).code).toBe('invalid_message');
    expect(refusal(parseValue(cartSet(lineQuantityMax + 1))).code).toBe('invalid_message');
    expect(accepted(parseValue(cartSet(0)))).toMatchObject({ quantity: 0 });
  });

  it.each([0, -3, 1.5, productIdMax + 1])('refuses productId %s', (productId) => {
    const error = refusal(parseValue(cartAdd({ productId })));
    expect(error.details?.issues?.map((issue) => issue.path)).toEqual(['productId']);
  });

  it('accepts productId 1 and productIdMax', () => {
    expect(accepted(parseValue(cartAdd({ productId: 1 })))).toMatchObject({ productId: 1 });
    expect(accepted(parseValue(cartAdd({ productId: productIdMax })))).toMatchObject({ productId: productIdMax });
  });

  it('refuses a negative or fractional checkout total', () => {
    expect(refusal(parseValue({ type: 'checkout', requestId: 'r1', expectedTotalCents: -1 })).code).toBe('invalid_message');
    expect(refusal(parseValue({ type: 'checkout', requestId: 'r1', expectedTotalCents: 10.5 })).code).toBe('invalid_message');
  });

  it('reports at most 10 issues however many there are', () => {
    const fields = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`extra${index}`, index]));
    const error = refusal(parseValue({ type: 'cart.add', requestId: 'r1', productId: 'x', quantity: 'y', ...fields }));
    expect(error.details?.issues?.length).toBeGreaterThan(0);
    expect(error.details?.issues?.length).toBeLessThanOrEqual(10);
  });
});

describe('parseClientFrame: shopper name and address', () => {
  it(`accepts a name of exactly ${shopperNameLengthMax} characters and refuses ${shopperNameLengthMax + 1}`, () => {
    expect(accepted(parseValue(sessionStart({ name: 'n'.repeat(shopperNameLengthMax) })))).toMatchObject({
      name: 'n'.repeat(shopperNameLengthMax),
    });
    const error = refusal(parseValue(sessionStart({ name: 'n'.repeat(shopperNameLengthMax + 1) })));
    expect(error.details?.issues).toEqual([{ path: 'name', message: `name must be at most ${shopperNameLengthMax} characters` }]);
  });

  it(`accepts an address of exactly ${shopperAddressLengthMax} characters and refuses ${shopperAddressLengthMax + 1}`, () => {
    expect(accepted(parseValue(sessionStart({ address: 'a'.repeat(shopperAddressLengthMax) }))).type).toBe('session.start');
    const error = refusal(parseValue(sessionStart({ address: 'a'.repeat(shopperAddressLengthMax + 1) })));
    expect(error.details?.issues?.map((issue) => issue.path)).toEqual(['address']);
  });

  it('measures the length after trimming', () => {
    const padded = `  ${'n'.repeat(shopperNameLengthMax)}  `;
    expect(accepted(parseValue(sessionStart({ name: padded })))).toMatchObject({ name: 'n'.repeat(shopperNameLengthMax) });
  });

  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['tabs and newlines only', '\t\n \r\n'],
  ])('refuses a name that is %s', (_, name) => {
    const error = refusal(parseValue(sessionStart({ name })));
    expect(error.details?.issues).toEqual([{ path: 'name', message: 'name is required' }]);
  });

  it.each([
    ['a NUL', 'Ada\u0000Lovelace'],
    ['a tab inside', 'Ada\tLovelace'],
    ['a newline inside', 'Ada\nLovelace'],
    ['an escape', 'Ada\u001b[31m'],
    ['a DEL', 'Ada\u007f'],
    ['a C1 control', 'Ada\u0085Lovelace'],
  ])('refuses a name with %s', (_, name) => {
    const error = refusal(parseValue(sessionStart({ name })));
    expect(error.details?.issues).toEqual([{ path: 'name', message: 'name must not contain control characters' }]);
  });

  it('refuses control characters in the address', () => {
    expect(refusal(parseValue(sessionStart({ address: '1 Main\u0007Street' }))).details?.issues?.[0]?.path).toBe('address');
  });

  it('accepts non-ASCII names', () => {
    expect(accepted(parseValue(sessionStart({ name: 'Zoë Ångström 李' })))).toMatchObject({ name: 'Zoë Ångström 李' });
  });
});

describe('parseClientFrame: text is well-formed Unicode', () => {
  const loneSurrogates = [
    ['a lone high surrogate', 'ab\uD800'],
    ['a lone low surrogate', '\uDC00ab'],
    ['a pair in the wrong order', '\uDE00\uD83D'],
  ] as const;
  const stringFields = Object.entries(validMessages).flatMap(([type, fields]) => [
    [type, 'requestId'] as const,
    ...Object.keys(fields)
      .filter((field) => typeof fields[field] === 'string')
      .map((field) => [type, field] as const),
  ]);

  it('sweeps the string fields of every message type', () => {
    expect(stringFields.length).toBeGreaterThan(clientMessageTypes.length + 10);
  });

  it.each(stringFields.flatMap(([type, field]) => loneSurrogates.map(([what, text]) => [type, field, what, text] as const)))(
    'refuses %s with %s holding %s, naming the field',
    (type, field, _what, text) => {
      const error = refusal(parseValue({ type, requestId: 'r1', ...validMessages[type as ClientMessageType], [field]: text }));
      expect(error.code).toBe('invalid_message');
      expect(error.details?.issues?.map((issue) => issue.path)).toEqual([field]);
    },
  );

  it('refuses a lone surrogate sent as raw JSON text, the way a hostile client would', () => {
    const error = refusal(parseText('{"type":"session.start","requestId":"r1","name":"\\ud800","address":"1 Main Street"}'));
    expect(error.details?.issues).toEqual([{ path: 'name', message: 'name must be well-formed Unicode text (it has a lone surrogate)' }]);
  });

  it('accepts astral characters, counting each as two toward a limit', () => {
    const emoji = '\u{1F600}';
    const atLimit = `${'n'.repeat(shopperNameLengthMax - 2)}${emoji}`;
    expect(accepted(parseValue(sessionStart({ name: atLimit })))).toMatchObject({ name: atLimit });
    const error = refusal(parseValue(sessionStart({ name: `n${atLimit}` })));
    expect(error.details?.issues).toEqual([{ path: 'name', message: `name must be at most ${shopperNameLengthMax} characters` }]);
  });

  it('quotes an unknown type back without splitting a surrogate pair', () => {
    const error = refusal(parseValue({ type: `${'x'.repeat(39)}\u{1F600}`, requestId: 'r1' }));
    expect(error.code).toBe('unknown_type');
    expect(error.message.isWellFormed()).toBe(true);
    expect(error.message).toContain(`"${'x'.repeat(39)}"`);
  });
});
