import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { TallyServerOptions } from './app.ts';
import { clusterEndpointsMax, edgeLimitDefaults, passwordLengthMax, passwordLengthMin, type EdgeLimits } from '../shared/limits.ts';
import { WebSocketEndpoint } from '../shared/protocol.ts';
import { normalizeOrigin } from './gateway/admission.ts';
import { TrustedProxies } from './gateway/client-address.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export const defaults = {
  host: '127.0.0.1',
  port: 9000,
  databasePath: 'data/tally.sqlite',
  catalogPath: `${repositoryRoot}server/store/catalog-seed.json`,
  webRoot: `${repositoryRoot}dist/web`,
} as const;

export const helpText = `Tally: a real-time store served over WebSockets.

Usage: npm start [-- options]      (builds the web app, then serves)
       npx tsx server/main.ts [options]

Options (each also read from the environment variable shown):
  --host <address>      interface to listen on          HOST           default ${defaults.host}
  --port <number>       port for HTTP and WebSocket     PORT           default ${defaults.port}
  --database <path>     SQLite database file, or a
                        postgres://user@host:port/db URL
                        (?schema=name for a schema)     DATABASE_PATH  default ${defaults.databasePath}
  --catalog <path>      catalog seed, loaded only into
                        an empty database               CATALOG_PATH   default server/store/catalog-seed.json
  --web-root <path>     built web app to serve          WEB_ROOT       default dist/web
  --allowed-origin <origin>
                        a site besides this one whose pages may open a
                        WebSocket (scheme://host[:port]); repeat for more
                                                        ALLOWED_ORIGINS (comma-separated)
  --endpoint <url>      the WebSocket address (ws:// or wss://, path /ws) of a
                        process serving the same database; repeat for each
                        one, this one included. Clients are told them and
                        move to another when theirs stops answering
                                                        TALLY_ENDPOINTS (comma-separated)
  --trusted-proxy <address or CIDR range>
                        a load balancer whose X-Forwarded-For names the
                        client (10.0.0.5, 10.0.0.0/8, fd00::/8); repeat for more.
                        Per-address limits then count each client, not the
                        balancer; other peers' X-Forwarded-For is ignored
                                                        TALLY_TRUSTED_PROXIES (comma-separated)
  --limit <name>=<value>
                        change one limit of the public edge (connections,
                        rate limits, sessions, memory); repeat for more; the
                        names and defaults are in shared/limits.ts
                        (edgeLimitDefaults) and README "Limits to tune"
  --unsafe-skip-idempotency
                        BROKEN ON PURPOSE, for the torture harness only: repeated requests run
                        again (no exactly-once); never use it otherwise
  -h, --help            show this help

Environment only:
  TALLY_AUDITOR_PASSWORD  the auditor's password, used when the database is created; if unset, one
                          is generated and printed once

The web app is at http://<host>:<port>/ and the WebSocket endpoint at ws://<host>:<port>/ws.
Health at /healthz, readiness at /readyz, Prometheus metrics at /metrics; logs are JSON lines on stdout.
`;

export type ParsedCommandLine = { help: true } | { help: false; options: TallyServerOptions };

/** Command-line flags win over environment variables, which win over defaults. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      database: { type: 'string' },
      catalog: { type: 'string' },
      'web-root': { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      endpoint: { type: 'string', multiple: true },
      'trusted-proxy': { type: 'string', multiple: true },
      limit: { type: 'string', multiple: true },
      'unsafe-skip-idempotency': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  return {
    help: false,
    options: {
      host: values.host ?? env.HOST ?? defaults.host,
      port: parsePort(values.port ?? env.PORT ?? String(defaults.port)),
      databasePath: values.database ?? env.DATABASE_PATH ?? defaults.databasePath,
      catalogPath: values.catalog ?? env.CATALOG_PATH ?? defaults.catalogPath,
      webRoot: values['web-root'] ?? env.WEB_ROOT ?? defaults.webRoot,
      auditorPassword: parseAuditorPassword(env.TALLY_AUDITOR_PASSWORD),
      unsafeSkipIdempotency: values['unsafe-skip-idempotency'] === true,
      allowedOrigins: (values['allowed-origin'] ?? env.ALLOWED_ORIGINS?.split(',').filter((origin) => origin.trim() !== '') ?? []).map((origin) =>
        parseOrigin(origin.trim()),
      ),
      limits: parseLimits(values.limit ?? []),
      endpoints: parseEndpoints(values.endpoint ?? env.TALLY_ENDPOINTS?.split(',').filter((endpoint) => endpoint.trim() !== '') ?? []),
      trustedProxies: parseTrustedProxies(values['trusted-proxy'] ?? env.TALLY_TRUSTED_PROXIES?.split(',').filter((entry) => entry.trim() !== '') ?? []),
    },
  };
}

function parseAuditorPassword(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.length < passwordLengthMin || text.length > passwordLengthMax) {
    throw new Error(`TALLY_AUDITOR_PASSWORD must be ${passwordLengthMin} to ${passwordLengthMax} characters`);
  }
  return text;
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`port must be a whole number from 0 to 65535, got "${text}"`);
  }
  return port;
}

function parseEndpoints(texts: readonly string[]): string[] {
  if (texts.length > clusterEndpointsMax) throw new Error(`--endpoint: at most ${clusterEndpointsMax} endpoints, got ${texts.length}`);
  return texts.map((text) => {
    const parsed = WebSocketEndpoint.safeParse(text.trim());
    if (!parsed.success) throw new Error(`--endpoint must be a WebSocket address such as wss://shop.example.com/ws, got "${text}"`);
    return parsed.data;
  });
}

function parseTrustedProxies(texts: readonly string[]): string[] {
  const entries = texts.map((text) => text.trim());
  try {
    new TrustedProxies(entries);
  } catch (error) {
    throw new Error(`--trusted-proxy: ${(error as Error).message}`);
  }
  return entries;
}

function parseOrigin(text: string): string {
  try {
    return normalizeOrigin(text);
  } catch {
    throw new Error(`--allowed-origin must be an origin such as https://shop.example.com, got "${text}"`);
  }
}

/** `--limit name=value`: the name must be one of edgeLimitDefaults, the value a positive whole number. */
export function parseLimits(assignments: readonly string[]): Partial<EdgeLimits> {
  const limits: Partial<EdgeLimits> = {};
  for (const assignment of assignments) {
    const [name, value, ...rest] = assignment.split('=');
    if (name === undefined || value === undefined || rest.length > 0) throw new Error(`--limit must be name=value, got "${assignment}"`);
    if (!Object.hasOwn(edgeLimitDefaults, name)) {
      throw new Error(`--limit: unknown limit "${name}"; the limits are ${Object.keys(edgeLimitDefaults).join(', ')}`);
    }
    const number = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < 1) throw new Error(`--limit ${name} must be a whole number of at least 1, got "${value}"`);
    limits[name as keyof EdgeLimits] = number;
  }
  return limits;
}

/** The `--limit` arguments that give a server started as a process these limits. */
export function limitArguments(limits: Partial<EdgeLimits>): string[] {
  return Object.entries(limits).flatMap(([name, value]) => ['--limit', `${name}=${value}`]);
}
