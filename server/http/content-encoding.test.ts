import { describe, expect, it } from 'vitest';
import { chooseEncoding } from './content-encoding.ts';

const both = { br: true, gzip: true };

describe('chooseEncoding', () => {
  it('prefers brotli, then gzip, whatever order the client lists them in', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd', both)).toBe('br');
    expect(chooseEncoding('gzip, deflate', both)).toBe('gzip');
    expect(chooseEncoding('GZip', both)).toBe('gzip');
  });

  it('answers identity when nothing we have is accepted', () => {
    expect(chooseEncoding(undefined, both)).toBe('identity');
    expect(chooseEncoding('', both)).toBe('identity');
    expect(chooseEncoding('identity', both)).toBe('identity');
    expect(chooseEncoding('deflate, zstd', both)).toBe('identity');
  });

  it('treats q=0 as a refusal and * as any coding not listed', () => {
    expect(chooseEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(chooseEncoding('br; q=0.0, gzip;q=0', both)).toBe('identity');
    expect(chooseEncoding('*', both)).toBe('br');
    expect(chooseEncoding('br;q=0, *;q=0.1', both)).toBe('gzip');
    expect(chooseEncoding('gzip;q=nonsense', both)).toBe('identity');
  });

  it('falls back to what the file has', () => {
    expect(chooseEncoding('br, gzip', { br: false, gzip: true })).toBe('gzip');
    expect(chooseEncoding('br, gzip', { br: false, gzip: false })).toBe('identity');
  });

  it('ignores an absurdly long header rather than parse it', () => {
    expect(chooseEncoding(`${'x, '.repeat(200)}br`, both)).toBe('identity');
  });
});
