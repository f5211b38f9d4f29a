import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type TallyLogger = Logger;

/** Secrets that must never reach a log line, at whatever depth (up to three) an object carries them. */
const secretFields = ['password', 'sessionToken', 'token'];
export const redactedPaths = secretFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export const redactedValue = '[redacted]';

export interface LoggerOptions {
  /** Where the JSON lines go; stdout by default. */
  destination?: DestinationStream;
  level?: LevelWithSilent;
}

/**
 * Tally's logger: one JSON object per line with `level` (a name), `time` (ISO 8601), `msg`, and the
 * fields of the entry. Values never go into `msg`: an entry about a request carries `requestId`
 * and `connectionId` as fields. Password and token fields are replaced with "[redacted]".
 */
export function createLogger(options: LoggerOptions = {}): TallyLogger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactedPaths, censor: redactedValue },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** For tests and benchmarks that want no output. */
export function silentLogger(): TallyLogger {
  return createLogger({ level: 'silent' });
}
