import { createLogger, type TallyLogger } from '../../server/observability/logger.ts';

export interface LogCapture {
  /** Every line written, as written. */
  readonly lines: string[];
  entries(): Array<Record<string, unknown>>;
  write(line: string): void;
}

/** A pino destination that keeps each line it is given. */
export function captureLines(): LogCapture {
  const lines: string[] = [];
  return {
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    write: (line) => lines.push(line),
  };
}

/** Tally's logger, every level, into a capture. */
export function capturingLogger(): { logger: TallyLogger; capture: LogCapture } {
  const capture = captureLines();
  return { logger: createLogger({ destination: capture, level: 'trace' }), capture };
}
