import type { z } from 'zod';

/**
 * What the protocol's own schema says is wrong with one field's value, as a sentence; undefined when
 * nothing is. The forms check with the schemas the server validates with, so they cannot disagree
 * on what is too long, or on how length is counted (UTF-16 code units, shared/text.ts).
 */
export function fieldProblem(schema: z.ZodType, value: string): string | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const message = parsed.error.issues[0]?.message ?? 'This value is not accepted';
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;
}
