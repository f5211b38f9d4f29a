import { describe, expect, it } from 'vitest';
import { captureLines } from '../../test/support/log-capture.ts';
import { createLogger, redactedValue } from './logger.ts';

describe('createLogger', () => {
  it('writes one JSON object per line with a level name, an ISO time and the message', () => {
    const capture = captureLines();
    const logger = createLogger({ destination: capture });
    logger.info({ requestId: 'r-1', connectionId: 7 }, 'request answered');
    logger.debug('below the default level');
    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]!.endsWith('\n')).toBe(true);
    const entry = JSON.parse(capture.lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', msg: 'request answered', requestId: 'r-1', connectionId: 7 });
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
  });

  it('replaces password, sessionToken and token fields, nested up to three levels deep', () => {
    const capture = captureLines();
    const logger = createLogger({ destination: capture });
    logger.warn(
      {
        password: 'secret-0',
        message: { type: 'auth.signIn', password: 'secret-1', sessionToken: 'secret-2' },
        reply: { result: { token: 'secret-3', user: { username: 'ada' } } },
      },
      'something about a sign-in',
    );
    const [line] = capture.lines;
    for (const secret of ['secret-0', 'secret-1', 'secret-2', 'secret-3']) expect(line).not.toContain(secret);
    expect(JSON.parse(line!)).toMatchObject({
      password: redactedValue,
      message: { type: 'auth.signIn', password: redactedValue, sessionToken: redactedValue },
      reply: { result: { token: redactedValue, user: { username: 'ada' } } },
    });
  });

  it('serializes an error with its message and stack under err', () => {
    const capture = captureLines();
    createLogger({ destination: capture }).error({ err: new Error('disk full') }, 'commit failed');
    expect(capture.entries()[0]).toMatchObject({ level: 'error', msg: 'commit failed', err: { type: 'Error', message: 'disk full', stack: expect.stringContaining('disk full') } });
  });
});
