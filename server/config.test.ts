import { describe, expect, it } from 'vitest';
import { type ParsedCommandLine, defaults, helpText, limitArguments, parseCommandLine } from './config.ts';
import type { TallyServerOptions } from './app.ts';

function optionsOf(parsed: ParsedCommandLine): TallyServerOptions {
  if (parsed.help) throw new Error('expected options, got --help');
  return parsed.options;
}

const fullEnvironment = {
  HOST: '0.0.0.0',
  PORT: '8123',
  DATABASE_PATH: '/var/lib/tally/env.sqlite',
  CATALOG_PATH: '/etc/tally/env-catalog.json',
  WEB_ROOT: '/srv/tally/env-web',
  TALLY_AUDITOR_PASSWORD: 'env-auditor-password',
};

describe('parseCommandLine', () => {
  it('uses the documented defaults with no flags and no environment', () => {
    expect(optionsOf(parseCommandLine([], {}))).toEqual({
      host: '127.0.0.1',
      port: 9000,
      databasePath: 'data/tally.sqlite',
      catalogPath: defaults.catalogPath,
      webRoot: defaults.webRoot,
      auditorPassword: undefined,
      unsafeSkipIdempotency: false,
      allowedOrigins: [],
      endpoints: [],
      trustedProxies: [],
      limits: {},
    });
    expect(defaults.catalogPath).toMatch(/server\/store\/catalog-seed\.json$/);
    expect(defaults.webRoot).toMatch(/dist\/web$/);
  });

  it('reads every option from the environment', () => {
    expect(optionsOf(parseCommandLine([], fullEnvironment))).toEqual({
      host: '0.0.0.0',
      port: 8123,
      databasePath: '/var/lib/tally/env.sqlite',
      catalogPath: '/etc/tally/env-catalog.json',
      webRoot: '/srv/tally/env-web',
      auditorPassword: 'env-auditor-password',
      unsafeSkipIdempotency: false,
      allowedOrigins: [],
      endpoints: [],
      trustedProxies: [],
      limits: {},
    });
  });

  it('lets flags win over the environment', () => {
    const argv = ['--host', '::1', '--port', '9100', '--database', 'flag.sqlite', '--catalog', 'flag.json', '--web-root', 'flag-web'];
    expect(optionsOf(parseCommandLine(argv, fullEnvironment))).toEqual({
      host: '::1',
      port: 9100,
      databasePath: 'flag.sqlite',
      catalogPath: 'flag.json',
      webRoot: 'flag-web',
      auditorPassword: 'env-auditor-password',
      unsafeSkipIdempotency: false,
      allowedOrigins: [],
      endpoints: [],
      trustedProxies: [],
      limits: {},
    });
  });

  it('takes trusted proxies from --trusted-proxy or TALLY_TRUSTED_PROXIES, and names a bad one', () => {
    expect(optionsOf(parseCommandLine(['--trusted-proxy', '10.0.0.0/8', '--trusted-proxy', 'fd00::1'], {})).trustedProxies).toEqual(['10.0.0.0/8', 'fd00::1']);
    expect(optionsOf(parseCommandLine([], { TALLY_TRUSTED_PROXIES: '192.168.0.0/16, 10.0.0.5' })).trustedProxies).toEqual(['192.168.0.0/16', '10.0.0.5']);
    expect(() => parseCommandLine(['--trusted-proxy', 'lb.example.com'], {})).toThrow('--trusted-proxy: a trusted proxy must be an IP address or a CIDR range such as 10.0.0.0/8, got "lb.example.com"');
    expect(helpText).toContain('--trusted-proxy');
  });

  it('turns idempotency off only when --unsafe-skip-idempotency is given', () => {
    expect(optionsOf(parseCommandLine(['--unsafe-skip-idempotency'], {})).unsafeSkipIdempotency).toBe(true);
    expect(helpText).toContain('--unsafe-skip-idempotency');
  });

  it('reads allowed origins from flags (normalized) or ALLOWED_ORIGINS, and refuses what is not an origin', () => {
    const fromFlags = parseCommandLine(['--allowed-origin', 'https://Shop.Example.com:443/', '--allowed-origin', 'http://localhost:5173'], {});
    expect(optionsOf(fromFlags).allowedOrigins).toEqual(['https://shop.example.com', 'http://localhost:5173']);
    expect(optionsOf(parseCommandLine([], { ALLOWED_ORIGINS: 'https://a.example, https://b.example' })).allowedOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(() => parseCommandLine(['--allowed-origin', 'shop.example.com'], {})).toThrow('--allowed-origin must be an origin');
  });

  it('reads every process\'s WebSocket address from --endpoint or TALLY_ENDPOINTS, and refuses what is not one', () => {
    const fromFlags = parseCommandLine(['--endpoint', 'ws://127.0.0.1:9000/ws', '--endpoint', 'wss://b.shop.example.com/ws'], {});
    expect(optionsOf(fromFlags).endpoints).toEqual(['ws://127.0.0.1:9000/ws', 'wss://b.shop.example.com/ws']);
    expect(optionsOf(parseCommandLine([], { TALLY_ENDPOINTS: 'ws://a:1/ws, ws://b:2/ws' })).endpoints).toEqual(['ws://a:1/ws', 'ws://b:2/ws']);
    expect(() => parseCommandLine(['--endpoint', 'http://shop.example.com/ws'], {})).toThrow('--endpoint must be a WebSocket address');
    expect(() => parseCommandLine(['--endpoint', 'ws://shop.example.com/socket'], {})).toThrow('got "ws://shop.example.com/socket"');
    const tooMany = Array.from({ length: 17 }, (_, index) => ['--endpoint', `ws://node${index}:9000/ws`]).flat();
    expect(() => parseCommandLine(tooMany, {})).toThrow('at most 16 endpoints');
    expect(helpText).toContain('--endpoint <url>');
  });

  it('reads --limit name=value for edge limits, naming an unknown limit or a bad value', () => {
    const parsed = parseCommandLine(['--limit', 'connectionsPerAddressMax=5', '--limit', 'userSessionIdleMs=60000'], {});
    expect(optionsOf(parsed).limits).toEqual({ connectionsPerAddressMax: 5, userSessionIdleMs: 60_000 });
    expect(() => parseCommandLine(['--limit', 'connectionsMax=5'], {})).toThrow('unknown limit "connectionsMax"');
    expect(() => parseCommandLine(['--limit', 'connectionsPerAddressMax=0'], {})).toThrow('must be a whole number of at least 1');
    expect(() => parseCommandLine(['--limit', 'connectionsPerAddressMax=1.5'], {})).toThrow('must be a whole number of at least 1');
    expect(() => parseCommandLine(['--limit', 'connectionsPerAddressMax'], {})).toThrow('--limit must be name=value');
    expect(limitArguments({ connectionsPerAddressMax: 7 })).toEqual(['--limit', 'connectionsPerAddressMax=7']);
  });

  it('accepts --name=value', () => {
    expect(optionsOf(parseCommandLine(['--port=0'], {})).port).toBe(0);
  });

  it('answers --help and -h with help, whatever else is given', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ help: true });
    expect(parseCommandLine(['-h'], {})).toEqual({ help: true });
    expect(parseCommandLine(['--port', 'not-a-port', '--help'], {})).toEqual({ help: true });
    expect(helpText).toContain('--port');
    expect(helpText).toContain('TALLY_AUDITOR_PASSWORD');
  });

  it.each(['abc', '65536', '70000', '-1', '80.5', 'NaN'])('refuses port %j with a message naming it', (port) => {
    expect(() => parseCommandLine([`--port=${port}`], {})).toThrow(`port must be a whole number from 0 to 65535, got "${port}"`);
  });

  it('refuses an invalid PORT from the environment too', () => {
    expect(() => parseCommandLine([], { PORT: 'eighty' })).toThrow(/port .*"eighty"/);
  });

  it('accepts the edges 0 (any free port) and 65535', () => {
    expect(optionsOf(parseCommandLine(['--port', '0'], {})).port).toBe(0);
    expect(optionsOf(parseCommandLine(['--port', '65535'], {})).port).toBe(65_535);
  });

  it('refuses an empty port instead of reading it as 0 (any free port)', () => {
    expect(() => parseCommandLine(['--port', ''], {})).toThrow(/port/);
  });

  it('refuses an unknown flag, naming it', () => {
    expect(() => parseCommandLine(['--prot', '9000'], {})).toThrow(/--prot/);
  });

  it('refuses positional arguments', () => {
    expect(() => parseCommandLine(['serve'], {})).toThrow(/serve/);
  });

  it('refuses an auditor password outside the password length limits', () => {
    expect(() => parseCommandLine([], { TALLY_AUDITOR_PASSWORD: 'short' })).toThrow(/TALLY_AUDITOR_PASSWORD/);
    expect(optionsOf(parseCommandLine([], { TALLY_AUDITOR_PASSWORD: '' })).auditorPassword).toBeUndefined();
  });
});
