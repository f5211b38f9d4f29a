import { describe, expect, it } from 'vitest';
import { ThrottledLog } from './throttled-log.ts';

describe('ThrottledLog', () => {
  it('writes at most the limit a minute, then says how many it left out when the next minute starts', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new ThrottledLog((line) => lines.push(line), 2, 'socket errors', () => now);
    for (let index = 0; index < 5; index += 1) log.line(`error ${index}`);
    expect(lines).toEqual(['error 0', 'error 1']);
    now = 59_999;
    log.line('still the same minute');
    expect(lines).toHaveLength(2);
    now = 60_000;
    log.line('next minute');
    expect(lines).toEqual(['error 0', 'error 1', '4 more socket errors in the last minute were not logged', 'next minute']);
  });
});
