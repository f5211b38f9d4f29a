/**
 * Keeps docs/PROTOCOL.md honest: every JSON example in it must match the zod schemas in
 * shared/protocol.ts, every message type, server message and error code must be documented,
 * and every limit quoted as `name` = value must equal the one in shared/limits.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ClientMessage,
  ServerMessage,
  clientMessageTypes,
  errorCodes,
  resultSchemas,
} from '../shared/protocol.ts';
import * as limits from '../shared/limits.ts';

const documentPath = new URL('./PROTOCOL.md', import.meta.url);
const document = readFileSync(documentPath, 'utf8');

interface Example {
  /** The fence's info string after `json `: `client`, `server` or `result:<type>`. */
  label: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
  text: string;
}

/** Every fenced block whose info string starts with `json`, labelled or not. */
function extractJsonFences(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  let open: { label: string; line: number; body: string[]; isJson: boolean } | null = null;
  lines.forEach((lineText, index) => {
    const fence = /^\s*```(.*)$/.exec(lineText);
    if (open === null) {
      if (fence === null) return;
      const info = fence[1]!.trim();
      const isJson = info === 'json' || info.startsWith('json ');
      open = { label: isJson ? info.slice('json'.length).trim() : info, line: index + 1, body: [], isJson };
      return;
    }
    if (fence !== null && fence[1]!.trim() === '') {
      if (open.isJson) examples.push({ label: open.label, line: open.line, text: open.body.join('\n') });
      open = null;
      return;
    }
    open.body.push(lineText);
  });
  if (open !== null) throw new Error(`unclosed code fence opened at line ${(open as { line: number }).line}`);
  return examples;
}

function parseJson(example: Example): unknown {
  try {
    return JSON.parse(example.text);
  } catch (error) {
    throw new Error(`line ${example.line}: example is not valid JSON: ${(error as Error).message}`);
  }
}

function describeFailure(example: Example, error: unknown): string {
  return `line ${example.line} (json ${example.label}): ${JSON.stringify(error, null, 2)}`;
}

const examples = extractJsonFences(document);
const clientExamples = examples.filter((example) => example.label === 'client');
const serverExamples = examples.filter((example) => example.label === 'server');
const resultExamples = examples.filter((example) => example.label.startsWith('result:'));
const resultType = (example: Example) => example.label.slice('result:'.length);

const clientMessages = clientExamples.map((example) => ({ example, message: parseJson(example) as ClientMessage }));
const serverMessages = serverExamples.map((example) => ({ example, message: parseJson(example) as ServerMessage }));

describe('docs/PROTOCOL.md examples', () => {
  it('finds the labelled JSON examples', () => {
    expect(clientExamples.length).toBeGreaterThan(0);
    expect(serverExamples.length).toBeGreaterThan(0);
    expect(resultExamples.length).toBeGreaterThan(0);
  });

  it('labels every JSON block as client, server or result:<type>', () => {
    const unlabelled = examples.filter(
      (example) => !['client', 'server'].includes(example.label) && !example.label.startsWith('result:'),
    );
    expect(unlabelled.map((example) => `line ${example.line}: json ${example.label}`)).toEqual([]);
  });

  it('has client examples that parse with ClientMessage', () => {
    for (const { example, message } of clientMessages) {
      const parsed = ClientMessage.safeParse(message);
      expect(parsed.success, describeFailure(example, parsed.error?.issues)).toBe(true);
    }
  });

  it('uses a distinct requestId in every client example', () => {
    const ids = clientMessages.map(({ message }) => message.requestId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has server examples that parse with ServerMessage', () => {
    for (const { example, message } of serverMessages) {
      const parsed = ServerMessage.safeParse(message);
      expect(parsed.success, describeFailure(example, parsed.error?.issues)).toBe(true);
    }
  });

  it("has server result examples whose payload matches the request's result schema", () => {
    const typeByRequestId = new Map(clientMessages.map(({ message }) => [message.requestId, message.type]));
    const results = serverMessages.filter(({ message }) => message.type === 'result');
    expect(results.length).toBeGreaterThan(0);
    for (const { example, message } of results) {
      if (message.type !== 'result') continue;
      const type = typeByRequestId.get(message.requestId);
      expect(type, `line ${example.line}: no client example has requestId ${message.requestId}`).toBeDefined();
      const parsed = resultSchemas[type!].safeParse(message.result);
      expect(parsed.success, describeFailure(example, parsed.error?.issues)).toBe(true);
    }
  });

  it('has result:<type> examples that parse with resultSchemas[type]', () => {
    for (const example of resultExamples) {
      const type = resultType(example);
      expect(Object.keys(resultSchemas), `line ${example.line}: unknown request type ${type}`).toContain(type);
      const parsed = resultSchemas[type as keyof typeof resultSchemas].safeParse(parseJson(example));
      expect(parsed.success, describeFailure(example, parsed.error?.issues)).toBe(true);
    }
  });
});

describe('docs/PROTOCOL.md coverage', () => {
  it.each(clientMessageTypes)('documents %s with a client example and a result example', (type) => {
    expect(clientMessages.some(({ message }) => message.type === type)).toBe(true);
    expect(resultExamples.some((example) => resultType(example) === type)).toBe(true);
    expect(document).toContain(`### \`${type}\``);
  });

  const serverTypes = ServerMessage.options.map((option) => option.shape.type.value);

  it.each(serverTypes)('has an example and a section for the server message %s', (type) => {
    expect(serverMessages.some(({ message }) => message.type === type)).toBe(true);
    expect(document).toContain(`### \`${type}\``);
  });

  it.each(Object.keys(errorCodes))('documents the error code %s in the error table', (code) => {
    expect(document).toMatch(new RegExp(`^\\|\\s*\`${code}\`\\s*\\|`, 'm'));
  });

  it('has an example of every error detail shape', () => {
    const details = serverMessages.flatMap(({ message }) => (message.type === 'error' && message.details ? [message.details] : []));
    expect(details.some((detail) => detail.issues !== undefined)).toBe(true);
    expect(details.some((detail) => detail.shortfalls !== undefined)).toBe(true);
    expect(details.some((detail) => detail.cart !== undefined)).toBe(true);
  });
});

describe('docs/PROTOCOL.md limits', () => {
  const numericLimits = [...Object.entries(limits), ...Object.entries(limits.edgeLimitDefaults)].filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );

  /** `name` = 123 in prose, and | `name` | 123 | in the limits table. */
  const quoted = [
    ...document.matchAll(/`(\w+)`\s*=\s*(\d+)/g),
    ...document.matchAll(/^\|\s*`(\w+)`\s*\|\s*(\d+)\s*\|/gm),
  ].map((match) => ({ name: match[1]!, value: Number(match[2]) }));

  it('finds quoted limits', () => {
    expect(quoted.length).toBeGreaterThan(numericLimits.length);
  });

  it.each(numericLimits)('quotes %s with its value %d', (name, value) => {
    const quotes = quoted.filter((quote) => quote.name === name);
    expect(quotes.length, `${name} is not quoted as \`${name}\` = value`).toBeGreaterThan(0);
    for (const quote of quotes) expect(quote.value, name).toBe(value);
  });
});
