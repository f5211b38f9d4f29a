import type { RawData } from 'ws';
import { type ClientMessage, type ErrorCode, type ErrorMessage, ClientMessage as ClientMessageSchema, clientMessageTypes } from '../../shared/protocol.ts';
import { requestIdLengthMax } from '../../shared/limits.ts';
import { quotableText } from '../../shared/text.ts';
import type { z } from 'zod';

export type ParsedFrame = { ok: true; message: ClientMessage } | { ok: false; error: ErrorMessage };

const knownTypes = new Set<string>(clientMessageTypes);
const readableRequestId = new RegExp(`^[A-Za-z0-9_.:-]{1,${requestIdLengthMax}}$`);

export function errorFrame(requestId: string | null, code: ErrorCode, message: string, details?: ErrorMessage['details']): ErrorMessage {
  return details === undefined
    ? { type: 'error', requestId, code, message }
    : { type: 'error', requestId, code, message, details };
}

/**
 * Validates one incoming frame. Every way it can be wrong gets its own code and a sentence that
 * names the problem; the requestId is echoed whenever it could be read.
 */
export function parseClientFrame(data: RawData, isBinary: boolean): ParsedFrame {
  if (isBinary) return refuse(null, 'binary_frame', 'Binary frames are not accepted; send a JSON text frame.');
  let raw: unknown;
  try {
    raw = JSON.parse(rawDataToText(data));
  } catch (error) {
    return refuse(null, 'malformed_json', `The frame is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse(null, 'invalid_message', 'A message must be a JSON object with "type" and "requestId".');
  }
  const fields = raw as Record<string, unknown>;
  const requestId = typeof fields.requestId === 'string' && readableRequestId.test(fields.requestId) ? fields.requestId : null;
  if (typeof fields.type !== 'string') {
    return refuse(requestId, 'invalid_message', 'The message has no "type" string.', {
      issues: [{ path: 'type', message: 'type is required and must be a string' }],
    });
  }
  if (!knownTypes.has(fields.type)) {
    return refuse(requestId, 'unknown_type', `Unknown message type "${quotableText(fields.type, 40)}"; expected one of ${clientMessageTypes.join(', ')}.`);
  }
  const parsed = ClientMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error.issues);
    const summary = issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
    return refuse(requestId, 'invalid_message', `Invalid ${fields.type} message: ${summary}`, { issues });
  }
  return { ok: true, message: parsed.data };
}

function refuse(requestId: string | null, code: ErrorCode, message: string, details?: ErrorMessage['details']): ParsedFrame {
  return { ok: false, error: errorFrame(requestId, code, message, details) };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): Array<{ path: string; message: string }> {
  return issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function rawDataToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
