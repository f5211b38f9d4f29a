/**
 * JSON text assembled node by node, so a hostile frame can say what JSON.stringify never writes:
 * duplicate keys, number literals no double holds (9007199254740993, 1e400), an own `__proto__`
 * key, nesting deeper than any schema. Two values are only known when the frame is sent, so they
 * are nodes of their own: a fresh requestId and the connection's current cart total.
 */
export type JsonNode =
  | { kind: 'value'; value: null | boolean | number | string }
  /** Written as is: a number literal, or deep nesting (kept flat so nothing here recurses 8,000 deep). */
  | { kind: 'literal'; text: string }
  | { kind: 'array'; items: JsonNode[] }
  /** Entries in order; a key may appear twice (JSON.parse keeps the last). */
  | { kind: 'object'; entries: Array<readonly [string, JsonNode]> }
  | { kind: 'freshRequestId' }
  | { kind: 'cartTotal' };

/** What a node may depend on at the moment its frame is sent. */
export interface SendContext {
  freshRequestId(): string;
  cartTotalCents: number;
}

/** Stands for the sending connection's cart total in a plain value given to `nodeOf`. */
export const cartTotalMarker: unique symbol = Symbol('cart total');

export const freshRequestIdNode: JsonNode = { kind: 'freshRequestId' };

export function literal(text: string): JsonNode {
  return { kind: 'literal', text };
}

export function jsonValue(value: null | boolean | number | string): JsonNode {
  return { kind: 'value', value };
}

/** A plain value (objects, arrays, primitives, `cartTotalMarker`) as a node. */
export function nodeOf(value: unknown): JsonNode {
  if (value === cartTotalMarker) return { kind: 'cartTotal' };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(nodeOf) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([key, field]) => [key, nodeOf(field)] as const) };
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    return jsonValue(value);
  }
  throw new Error(`no JSON node for a ${typeof value}`);
}

/** The node as JSON text; NaN and Infinity become null, as JSON.stringify writes them. */
export function jsonText(node: JsonNode, context: SendContext): string {
  switch (node.kind) {
    case 'value':
      return JSON.stringify(node.value);
    case 'literal':
      return node.text;
    case 'array':
      return `[${node.items.map((item) => jsonText(item, context)).join(',')}]`;
    case 'object':
      return `{${node.entries.map(([key, field]) => `${JSON.stringify(key)}:${jsonText(field, context)}`).join(',')}}`;
    case 'freshRequestId':
      return JSON.stringify(context.freshRequestId());
    case 'cartTotal':
      return String(context.cartTotalCents);
    default:
      return assertNever(node);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled JSON node ${JSON.stringify(value)}`);
}
