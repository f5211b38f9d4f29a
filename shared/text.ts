/**
 * Text from clients, one rule for the server's schemas, the web forms and docs/PROTOCOL.md:
 *
 * - Only well-formed Unicode. JSON can carry a lone UTF-16 surrogate as an escape ("\uD800"), and it
 *   has no UTF-8 form: SQLite would store bytes that read back as U+FFFD, three per surrogate, so
 *   what was confirmed would not be what was stored.
 * - Lengths count UTF-16 code units (`String.length`), which is what HTML's `maxlength` counts too,
 *   so one limit stops the same text in the browser's input, the form's check and the server. An
 *   astral character (most emoji) counts 2.
 *
 * zod 4's string `min`, `max` and `length` count code points instead, so no client-message schema
 * uses them on a string: they are built here.
 */
import { z } from 'zod';

/** The one way Tally measures text. */
export function textLengthUnits(text: string): number {
  return text.length;
}

export function isWellFormedText(text: string): boolean {
  return text.isWellFormed();
}

export interface TextRules {
  /** The field's name, as in its messages. */
  field: string;
  /** Inclusive, in UTF-16 code units; 1 reads "is required". */
  lengthMin?: number;
  /** Inclusive, in UTF-16 code units. */
  lengthMax: number;
  /** Trim surrounding whitespace first; the lengths count what is left. */
  trim?: boolean;
}

/**
 * A string field of a client message: well-formed, then (trimmed, if asked) within its lengths. The
 * first problem found is the only one reported: a refused lone surrogate is not also "too long".
 */
export function textSchema({ field, lengthMin = 0, lengthMax, trim = false }: TextRules) {
  let schema = z.string().refine(isWellFormedText, {
    message: `${field} must be well-formed Unicode text (it has a lone surrogate)`,
    abort: true,
  });
  if (trim) schema = schema.trim();
  if (lengthMin > 0) {
    const tooShort = lengthMin === 1 ? `${field} is required` : `${field} must be at least ${lengthMin} characters`;
    schema = schema.refine((text) => textLengthUnits(text) >= lengthMin, { message: tooShort, abort: true });
  }
  return schema.refine((text) => textLengthUnits(text) <= lengthMax, {
    message: `${field} must be at most ${lengthMax} characters`,
    abort: true,
  });
}

/** At most `lengthMax` code units of `text` to quote back in a message, never half a surrogate pair. */
export function quotableText(text: string, lengthMax: number): string {
  const wellFormed = text.toWellFormed();
  if (wellFormed.length <= lengthMax) return wellFormed;
  const cut = wellFormed.slice(0, lengthMax);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
