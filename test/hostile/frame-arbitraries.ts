import fc from 'fast-check';
import {
  amountCentsMax,
  auditHoldersPageMax,
  frameBytesMax,
  historyPageMax,
  lineQuantityMax,
  priceCentsMax,
  productIdMax,
  requestIdLengthMax,
  sessionTokenLength,
} from '../../shared/limits.ts';
import { accountNumberFromDraw, accountNumberRandomDigits } from '../../shared/account-number.ts';
import { AccountKind, TransactionKind, clientMessageTypes, type ClientMessageType } from '../../shared/protocol.ts';
import { cartTotalMarker, freshRequestIdNode, jsonValue, literal, nodeOf, type JsonNode } from './hostile-json.ts';

/** Real values the fuzzer mixes in, so that some frames reach past validation into the bank and the store. */
export interface FuzzPools {
  accountNumbers: readonly string[];
  productIds: readonly number[];
  /** Registering these gets username_taken. */
  takenUsernames: readonly string[];
  /**
   * Signing in as these fails (the fuzzer never knows their passwords). Never a user a connection
   * signs in as: its failures would rate-limit that user's own sign-in from this address.
   */
  decoyUsernames: readonly string[];
  sessionTokens: readonly string[];
  databaseId: string;
}

/** One frame to send, and a few words on how it was made (for failure messages). */
export type FuzzFrame =
  /**
   * JSON text; `padToBytes` appends spaces up to that many bytes (a frame at, or past, frameBytesMax),
   * `truncateAt` cuts the text short, `binary` sends it in a binary frame.
   */
  | { kind: 'json'; node: JsonNode; note: string; padToBytes?: number; truncateAt?: number; binary?: boolean }
  | { kind: 'text'; text: string; note: string }
  | { kind: 'bytes'; bytes: Uint8Array; binary: boolean; note: string };

interface Labeled {
  node: JsonNode;
  label: string;
}

const labeled = (node: JsonNode, label: string): Labeled => ({ node, label });
const labeledValue = (value: null | boolean | number | string, label = JSON.stringify(value).slice(0, 24)) => labeled(jsonValue(value), label);
const labeledLiteral = (text: string) => labeled(literal(text), text);

/** A well-formed account number (check digits and all) that most likely names no account. */
const accountNumberText = fc.integer({ min: 0, max: 10 ** accountNumberRandomDigits - 1 }).map(accountNumberFromDraw);
const smallAmount = fc.integer({ min: 1, max: 5_000 });
const amount = fc.oneof({ arbitrary: smallAmount, weight: 6 }, { arbitrary: fc.constantFrom(amountCentsMax, 1), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: amountCentsMax }), weight: 1 });
const username = fc.stringMatching(/^[a-z0-9_.-]{3,32}$/);
const sessionToken = fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${sessionTokenLength}}$`));
/** Never the test users' password, so fuzzed sign-ins fail and do not crowd out their sessions. */
const password = fc.string({ unit: 'binary', minLength: 8, maxLength: 40 }).map((text) => text.toWellFormed());

/** Valid fields for every client message type; a new type in the protocol does not compile until it has one. */
export function validFieldsArbitraries(pools: FuzzPools): Record<ClientMessageType, fc.Arbitrary<Record<string, unknown>>> {
  const accountNumber = fc.oneof({ arbitrary: fc.constantFrom(...pools.accountNumbers), weight: 5 }, { arbitrary: accountNumberText, weight: 1 });
  const productId = fc.oneof({ arbitrary: fc.constantFrom(...pools.productIds), weight: 5 }, { arbitrary: fc.constantFrom(999, productIdMax), weight: 1 });
  const takenUsername = fc.oneof(fc.constantFrom(...pools.takenUsernames), username);
  const decoyUsername = fc.oneof(fc.constantFrom(...pools.decoyUsernames), username);
  const token = fc.oneof(fc.constantFrom(...pools.sessionTokens), sessionToken);
  const shopperText = fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,30}$/);
  const empty = fc.constant({});
  const historyPage = {
    beforeId: fc.integer({ min: 1, max: 10_000 }),
    limit: fc.integer({ min: 1, max: historyPageMax }),
    accountNumber,
  };
  return {
    'session.start': fc.record({ name: shopperText, address: shopperText }),
    'session.resume': fc.record({ sessionToken: token }),
    'catalog.sync': empty,
    'cart.add': fc.record({ productId, quantity: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(lineQuantityMax)) }),
    'cart.set': fc.record({ productId, quantity: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(lineQuantityMax)) }),
    'cart.clear': empty,
    checkout: fc.record({
      expectedTotalCents: fc.oneof(
        { arbitrary: fc.constant(cartTotalMarker), weight: 4 },
        { arbitrary: fc.integer({ min: 0, max: priceCentsMax }), weight: 1 },
      ),
    }),
    'orders.list': empty,
    'sync.resume': fc.record({
      databaseId: fc.oneof({ arbitrary: fc.constant(pools.databaseId), weight: 3 }, { arbitrary: fc.stringMatching(/^[0-9a-f]{1,16}$/), weight: 1 }),
      sinceSeq: fc.oneof(fc.nat({ max: 2_000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    }),
    ping: empty,
    'auth.register': fc.record({ username: takenUsername, password }),
    'auth.signIn': fc.record({ username: decoyUsername, password }),
    'auth.resume': fc.record({ sessionToken: token }),
    'auth.signOut': empty,
    'bank.openAccount': fc.record({ kind: fc.constantFrom(...AccountKind.options), amountCents: amount }),
    'bank.deposit': fc.record({ accountNumber, amountCents: amount }),
    'bank.withdraw': fc.record({ accountNumber, amountCents: amount }),
    'bank.transfer': fc.record({ fromAccountNumber: accountNumber, toAccountNumber: accountNumber, amountCents: amount }),
    'bank.payLoanByCheck': fc.record({ loanAccountNumber: accountNumber, amountCents: amount }),
    'bank.payLoanByTransfer': fc.record({ fromAccountNumber: accountNumber, loanAccountNumber: accountNumber, amountCents: amount }),
    'bank.accounts': empty,
    'bank.history': fc.record(historyPage, { requiredKeys: [] }),
    'audit.holders': fc.record(
      { afterUsername: fc.oneof(takenUsername, fc.string({ unit: 'binary', maxLength: 32 }).map((text) => text.toWellFormed())), limit: fc.integer({ min: 1, max: auditHoldersPageMax }) },
      { requiredKeys: [] },
    ),
    'audit.history': fc.record({ ...historyPage, username: takenUsername, kind: fc.constantFrom(...TransactionKind.options) }, { requiredKeys: [] }),
    'audit.check': empty,
    'dashboard.watch': empty,
    'dashboard.unwatch': empty,
  };
}

/** A valid frame of one type: its fields, a fresh requestId, as a JSON object node. */
export function validFrameArbitrary(pools: FuzzPools, type: ClientMessageType): fc.Arbitrary<JsonNode> {
  return validFieldsArbitraries(pools)[type].map((fields) => frameNode(type, fields));
}

function frameNode(type: ClientMessageType, fields: Record<string, unknown>): JsonNode {
  return {
    kind: 'object',
    entries: [['type', jsonValue(type)], ['requestId', freshRequestIdNode], ...Object.entries(fields).map(([key, value]) => [key, nodeOf(value)] as const)],
  };
}

// ---------------------------------------------------------------------------------------
// Hostile values

const numberLiterals = [
  '9007199254740993', '-9007199254740993', '9007199254740992', '1e308', '-1e308', '1e400', '-1e400', '1e-400', '-0', '0.0', '1.0',
  '1E2', '2147483648', '4294967296', '18446744073709551616', '1000000000000000000000000000000', '0.1', '1.5', '-1', '5e-324',
];
const stringValues = [
  '', ' ', 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', '12', '-1', 'null', 'true', '١٢٣٤٥٦٧٨', '１２３４５６７８', '12345678\n', ' 12345678',
  '1234567', '123456789', '00000001', '100000000000', '\uD800', '\uDFFF', 'a\uD800b', '\u0000', '\u202Eevil', '\u200B', "'; DROP TABLE accounts; --", '%s%n%x',
  '__proto__', 'constructor', 'toString', '💸', 'checking', 'CHECKING', 'loan ', 'auditor', 'AUDITOR', '../../etc/passwd', '<script>x</script>',
];
const objectKeys = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'then', '', ' ', 'type ', 'TYPE', 'requestID',
  'amountcents', 'amountCents', 'accountNumber', 'role', 'user', 'isAdmin', '\u0000', '\uD800', '$where',
];
const longUnits = ['a', '0', 'é', '💸', '\uD800', ' ', '\\', '"'];

/** Long, but (alone) well inside frameBytesMax: a frame past it only tests the close, and costs a reconnect. */
const longStringBytesMax = Math.floor(frameBytesMax / 3);
const longString = fc
  .tuple(fc.constantFrom(...longUnits), fc.integer({ min: 64, max: longStringBytesMax }))
  .map(([unit, bytes]) => {
    const count = Math.floor(bytes / Buffer.byteLength(JSON.stringify(unit).slice(1, -1)));
    return labeled(jsonValue(unit.repeat(count)), `${JSON.stringify(unit)} x ${count}`);
  });

/** Nesting up to about 12 KB of brackets, deeper than any schema looks. */
const deepNesting = fc.tuple(fc.constantFrom('array', 'object'), fc.integer({ min: 20, max: 6_000 })).map(([shape, depth]) => {
  if (shape === 'array') return labeled(literal('['.repeat(depth) + ']'.repeat(depth)), `[ nested ${depth} deep`);
  const objects = Math.floor(depth / 3);
  return labeled(literal('{"a":'.repeat(objects) + '1' + '}'.repeat(objects)), `{ nested ${objects} deep`);
});

const scalar: fc.Arbitrary<Labeled> = fc.oneof(
  fc.constantFrom(...numberLiterals).map(labeledLiteral),
  fc.constantFrom(...stringValues).map((value) => labeledValue(value)),
  fc.constantFrom(null, true, false).map((value) => labeledValue(value)),
  fc.integer().map((value) => labeledValue(value)),
  fc.double().map((value) => labeledValue(value)),
  fc.string({ unit: 'binary', maxLength: 20 }).map((value) => labeledValue(value)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -1, 0, amountCentsMax + 1, productIdMax + 1, lineQuantityMax + 1).map((value) => labeledValue(value)),
);

/** A value where a field's value belongs: wrong type, out of range, too long, too deep, or an array or object instead. */
const hostileValue: fc.Arbitrary<Labeled> = fc.oneof(
  { arbitrary: scalar, weight: 12 },
  { arbitrary: longString, weight: 2 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: fc.array(scalar, { maxLength: 4 }).map((items) => labeled({ kind: 'array', items: items.map((item) => item.node) }, `[${items.map((item) => item.label).join(',')}]`)), weight: 2 },
  {
    arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...objectKeys), fc.string({ maxLength: 8 })), scalar), { maxLength: 3 }).map((entries) =>
      labeled({ kind: 'object', entries: entries.map(([key, value]) => [key, value.node] as const) }, `{${entries.map(([key, value]) => `${key}:${value.label}`).join(',')}}`),
    ),
    weight: 2,
  },
);

const hostileRequestId: fc.Arbitrary<Labeled> = fc.oneof(
  fc.constantFrom(
    '', 'x'.repeat(requestIdLengthMax + 1), 'x'.repeat(requestIdLengthMax), 'has space', 'ünïcode', 'a/b', 'a\u0000', '\uD800',
    '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'id\n',
  ).map((value) => labeledValue(value, `requestId ${JSON.stringify(value).slice(0, 20)}`)),
  scalar.map((value) => labeled(value.node, `requestId ${value.label}`)),
);

const hostileType = fc.oneof(
  fc.constantFrom(...clientMessageTypes),
  fc.constantFrom('Bank.deposit', 'bank.deposit ', 'bank.', 'bank', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'welcome', 'result', 'error', 'changes', 'audit.*', ''),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

// ---------------------------------------------------------------------------------------
// Mutations of a valid frame

type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'replace'; at: number; value: Labeled }
  | { op: 'add'; key: string; value: Labeled }
  | { op: 'duplicate'; at: number; value: Labeled; before: boolean }
  | { op: 'retype'; type: string }
  | { op: 'requestId'; value: Labeled }
  | { op: 'arrayOfValues' }
  | { op: 'wrapped'; inArray: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }), weight: 8 },
  { arbitrary: fc.record({ op: fc.constant('add' as const), key: fc.oneof(fc.constantFrom(...objectKeys), fc.string({ maxLength: 12 })), value: hostileValue }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), value: hostileValue, before: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('retype' as const), type: hostileType }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('requestId' as const), value: hostileRequestId }), weight: 3 },
  { arbitrary: fc.constant({ op: 'arrayOfValues' as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('wrapped' as const), inArray: fc.boolean() }), weight: 1 },
);

function applyMutation(node: JsonNode, change: Mutation): { node: JsonNode; note: string } {
  if (node.kind !== 'object') return { node, note: '' };
  const entries = [...node.entries];
  const keyAt = (at: number) => entries[at % Math.max(1, entries.length)]?.[0] ?? '';
  switch (change.op) {
    case 'drop': {
      const key = keyAt(change.at);
      return { node: { kind: 'object', entries: entries.filter(([name]) => name !== key) }, note: `dropped ${key}` };
    }
    case 'replace': {
      const key = keyAt(change.at);
      return { node: { kind: 'object', entries: entries.map(([name, value]) => [name, name === key ? change.value.node : value] as const) }, note: `${key} = ${change.value.label}` };
    }
    case 'add':
      return { node: { kind: 'object', entries: [...entries, [change.key, change.value.node]] }, note: `added ${JSON.stringify(change.key)} = ${change.value.label}` };
    case 'duplicate': {
      const key = keyAt(change.at);
      const twice = change.before ? [[key, change.value.node] as const, ...entries] : [...entries, [key, change.value.node] as const];
      return { node: { kind: 'object', entries: twice }, note: `${key} twice (${change.before ? 'first' : 'last'} ${change.value.label})` };
    }
    case 'retype':
      return { node: { kind: 'object', entries: entries.map(([name, value]) => [name, name === 'type' ? jsonValue(change.type) : value] as const) }, note: `type ${JSON.stringify(change.type).slice(0, 30)}` };
    case 'requestId':
      return { node: { kind: 'object', entries: entries.map(([name, value]) => [name, name === 'requestId' ? change.value.node : value] as const) }, note: change.value.label };
    case 'arrayOfValues':
      return { node: { kind: 'array', items: entries.map(([, value]) => value) }, note: 'an array of its values' };
    case 'wrapped':
      return change.inArray
        ? { node: { kind: 'array', items: [node] }, note: 'inside an array' }
        : { node: { kind: 'object', entries: [['type', entries.find(([name]) => name === 'type')?.[1] ?? jsonValue('ping')], ['message', node]] }, note: 'inside another object' };
  }
}

/** A valid frame of any type, the type drawn first (the arbitraries are built once per pools). */
const typedFrames = new WeakMap<FuzzPools, fc.Arbitrary<{ type: ClientMessageType; node: JsonNode }>>();
function typedFrame(pools: FuzzPools): fc.Arbitrary<{ type: ClientMessageType; node: JsonNode }> {
  let arbitrary = typedFrames.get(pools);
  if (arbitrary === undefined) {
    const fieldsByType = validFieldsArbitraries(pools);
    arbitrary = fc.oneof(...clientMessageTypes.map((type) => fieldsByType[type].map((fields) => ({ type, node: frameNode(type, fields) }))));
    typedFrames.set(pools, arbitrary);
  }
  return arbitrary;
}

function nearValidFrame(pools: FuzzPools): fc.Arbitrary<FuzzFrame> {
  return fc.tuple(typedFrame(pools), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([{ type, node }, changes]) => {
    let mutated = node;
    const notes: string[] = [];
    for (const change of changes) {
      const applied = applyMutation(mutated, change);
      mutated = applied.node;
      if (applied.note !== '') notes.push(applied.note);
    }
    return { kind: 'json', node: mutated, note: `${type}: ${notes.join('; ')}` };
  });
}

// ---------------------------------------------------------------------------------------
// Frames that are not requests at all

/** Bytes no UTF-8 decoder accepts: a stray continuation, an overlong '/', a surrogate, past U+10FFFF, a cut sequence. */
const invalidUtf8Sequences = [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xfe, 0xff, 0xff]];

const invalidUtf8Frame: fc.Arbitrary<FuzzFrame> = fc
  .tuple(fc.constantFrom(...invalidUtf8Sequences), fc.nat({ max: 40 }))
  .map(([sequence, at]) => {
    const valid = Buffer.from('{"type":"ping","requestId":"utf8-probe"}');
    const cut = at % valid.length;
    return { kind: 'bytes', bytes: Buffer.concat([valid.subarray(0, cut), Buffer.from(sequence), valid.subarray(cut)]), binary: false, note: `invalid UTF-8 ${Buffer.from(sequence).toString('hex')} at ${cut}` };
  });

const notJsonTexts = [
  '{"type":"ping","requestId":"a"} x', '{"type":"ping","requestId":"a"}{"type":"ping","requestId":"b"}', '\uFEFF{"type":"ping","requestId":"bom"}',
  '{"type":"ping","requestId":"a",}', "{'type':'ping'}", '{"type":"ping","requestId":NaN}', 'undefined', '', ' ', '{', '}', '[', 'null', 'true',
  '""', '[]', '{}', '0', '-', '1e400', '{"__proto__":{"type":"ping"}}', '{"type":null,"requestId":"n"}', '\t\n {"type":"ping","requestId":"ws"} \r\n',
];

function notARequest(pools: FuzzPools): fc.Arbitrary<FuzzFrame> {
  return fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): FuzzFrame => ({ kind: 'text', text: JSON.stringify(value) ?? 'null', note: 'a random JSON value' })), weight: 6 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...clientMessageTypes), fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }))
        .map(([type, fields]): FuzzFrame => ({ kind: 'json', node: nodeOf({ ...fields, type, requestId: 'rnd-fields' }), note: `${type} with random fields` })),
      weight: 4,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text): FuzzFrame => ({ kind: 'text', text, note: 'random text' })), weight: 2 },
    { arbitrary: fc.constantFrom(...notJsonTexts).map((text): FuzzFrame => ({ kind: 'text', text, note: 'almost JSON' })), weight: 2 },
    {
      arbitrary: fc.tuple(typedFrame(pools), fc.nat()).map(([{ type, node }, at]): FuzzFrame => ({ kind: 'json', node, truncateAt: at, note: `${type} cut short` })),
      weight: 2,
    },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): FuzzFrame => ({ kind: 'bytes', bytes, binary: true, note: 'random binary' })), weight: 2 },
    { arbitrary: typedFrame(pools).map(({ type, node }): FuzzFrame => ({ kind: 'json', node, binary: true, note: `${type} as a binary frame` })), weight: 1 },
    { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes): FuzzFrame => ({ kind: 'bytes', bytes, binary: false, note: 'random bytes as text' })), weight: 1 },
  );
}

/** A frame of exactly frameBytesMax bytes (or one short of it) is answered like any other. */
function atSizeLimitFrame(pools: FuzzPools): fc.Arbitrary<FuzzFrame> {
  return fc
    .tuple(typedFrame(pools), fc.constantFrom(frameBytesMax, frameBytesMax - 1))
    .map(([{ type, node }, bytes]) => ({ kind: 'json', node, padToBytes: bytes, note: `${type} padded to ${bytes} bytes` }));
}

/** One byte past frameBytesMax, or far past it, closes the socket (1009). */
function pastSizeLimitFrame(pools: FuzzPools): fc.Arbitrary<FuzzFrame> {
  const padded = fc
    .tuple(typedFrame(pools), fc.oneof(fc.constant(frameBytesMax + 1), fc.integer({ min: frameBytesMax + 2, max: frameBytesMax * 3 })))
    .map(([{ type, node }, bytes]): FuzzFrame => ({ kind: 'json', node, padToBytes: bytes, note: `${type} padded to ${bytes} bytes` }));
  const longField = fc.integer({ min: frameBytesMax, max: frameBytesMax * 4 }).map(
    (length): FuzzFrame => ({ kind: 'json', node: nodeOf({ type: 'session.start', requestId: 'too-big', name: 'n', address: 'a'.repeat(length) }), note: `an address of ${length} characters` }),
  );
  return fc.oneof(padded, longField);
}

/**
 * Every kind of frame the suite sends. About 1 in 50 closes the socket (too large, not UTF-8),
 * since each close costs a drain and a reconnect.
 */
export function fuzzFrameArbitrary(pools: FuzzPools): fc.Arbitrary<FuzzFrame> {
  return fc.oneof(
    { arbitrary: nearValidFrame(pools), weight: 120 },
    { arbitrary: typedFrame(pools).map(({ type, node }): FuzzFrame => ({ kind: 'json', node, note: `${type}: valid` })), weight: 28 },
    { arbitrary: notARequest(pools), weight: 40 },
    { arbitrary: atSizeLimitFrame(pools), weight: 2 },
    { arbitrary: pastSizeLimitFrame(pools), weight: 2 },
    { arbitrary: invalidUtf8Frame, weight: 1 },
  );
}
