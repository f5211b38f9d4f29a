import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { forwardedForHopsMax, trustedProxiesMax } from '../../shared/limits.ts';
import { TrustedProxies, clientAddress } from './client-address.ts';

const request = (peer: string, forwardedFor?: string): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);

  it('is the peer, IPv4-mapped IPv6 written as IPv4, when no proxy is trusted or the peer is not one', () => {
    expect(clientAddress(request('::ffff:203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), proxies)).toBe('203.0.113.9');
  });

  it('believes a trusted proxy: the rightmost address that is not a trusted proxy', () => {
    expect(clientAddress(request('10.1.2.3', '198.51.100.1'), proxies)).toBe('198.51.100.1');
    expect(clientAddress(request('::ffff:192.168.1.7', '1.1.1.1, 198.51.100.1, 10.9.9.9'), proxies)).toBe('198.51.100.1');
    expect(clientAddress(request('fd00::1', '2001:db8::5'), proxies)).toBe('2001:db8::5');
  });

  it('gives a client that forges addresses left of the proxy\'s entry nothing: the proxy\'s entry is used', () => {
    expect(clientAddress(request('10.1.2.3', '10.0.0.1, 198.51.100.1'), proxies)).toBe('198.51.100.1');
    expect(clientAddress(request('10.1.2.3', 'not-an-address, 198.51.100.1'), proxies)).toBe('198.51.100.1');
  });

  it('stops at an entry that is not an address, or after forwardedForHopsMax, at the last good one', () => {
    expect(clientAddress(request('10.1.2.3', '198.51.100.1, garbage'), proxies)).toBe('10.1.2.3');
    expect(clientAddress(request('10.1.2.3'), proxies)).toBe('10.1.2.3');
    const allProxies = Array.from({ length: forwardedForHopsMax + 5 }, (_, index) => `10.0.0.${index + 1}`);
    expect(clientAddress(request('10.1.2.3', ['198.51.100.1', ...allProxies].join(', ')), proxies)).toBe(`10.0.0.6`);
  });
});

describe('TrustedProxies', () => {
  it('refuses an entry that is neither an address nor a CIDR range, naming it', () => {
    for (const entry of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/8', 'fd00::/129', '10.0.0.0/x', '']) {
      expect(() => new TrustedProxies([entry])).toThrow(`got "${entry}"`);
    }
    expect(() => new TrustedProxies(Array.from({ length: trustedProxiesMax + 1 }, () => '10.0.0.1'))).toThrow(`at most ${trustedProxiesMax}`);
  });
});
