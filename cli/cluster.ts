/**
 * `npm run cluster -- --nodes 3 --database postgres://...`: several Tally server processes on one
 * PostgreSQL database, on consecutive ports, for local use. Each is told every node's WebSocket
 * address (so clients move to another when theirs dies) and admits pages from every node's origin.
 * Behind a real load balancer, run `server/main.ts` per machine instead (README, "Running several
 * processes").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterEndpointsMax } from '../shared/limits.ts';
import { isPostgresUrl } from '../server/storage/open-storage.ts';
import { UsageError, exitCodes } from './usage-error.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export const clusterHelpText = `Runs several Tally server processes on one PostgreSQL database.

Usage: npm run cluster -- --nodes <n> --database <postgres-url> [options] [-- server options]

  --nodes <n>           processes to start, 1 to ${clusterEndpointsMax}                default 3
  --database <url>      postgres://user@host:port/db[?schema=name]   DATABASE_PATH
  --host <address>      interface every node listens on              default 127.0.0.1
  --port <number>       the first node's port; the others follow     default 9000
  -h, --help            show this help

Anything after a lone -- goes to every node (see npx tsx server/main.ts --help), e.g.
  npm run cluster -- --nodes 2 --database postgres://postgres@127.0.0.1/test -- --limit connectionsPerAddressMax=500
Ctrl-C stops every node gracefully (each finishes its commits first).
`;

export interface ClusterPlan {
  nodes: Array<{ port: number; args: string[] }>;
  urls: string[];
}

/** The command line of each node: its port, the shared database, every endpoint and origin. */
export function planCluster(argv: readonly string[], env: NodeJS.ProcessEnv): ClusterPlan | 'help' {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? argv : argv.slice(0, separator);
  const passThrough = separator === -1 ? [] : argv.slice(separator + 1);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...own],
      options: {
        nodes: { type: 'string' },
        database: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const nodeCount = wholeNumber('--nodes', values.nodes ?? '3', 1, clusterEndpointsMax);
  const firstPort = wholeNumber('--port', values.port ?? '9000', 1, 65_535);
  if (firstPort + nodeCount - 1 > 65_535) throw new UsageError(`--port ${firstPort} leaves no room for ${nodeCount} consecutive ports`);
  const database = values.database ?? env.DATABASE_PATH;
  if (database === undefined) throw new UsageError('--database is required: a postgres:// URL every node shares');
  if (!isPostgresUrl(database)) {
    throw new UsageError(`--database must be a postgres:// URL: a SQLite file belongs to one process, so a cluster needs PostgreSQL (got "${database}")`);
  }
  const host = values.host ?? '127.0.0.1';
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const ports = Array.from({ length: nodeCount }, (_, index) => firstPort + index);
  const urls = ports.map((port) => `ws://${hostInUrl}:${port}/ws`);
  const shared = [
    '--database', database,
    ...urls.flatMap((url) => ['--endpoint', url]),
    ...ports.flatMap((port) => ['--allowed-origin', `http://${hostInUrl}:${port}`]),
  ];
  return { nodes: ports.map((port) => ({ port, args: ['--host', host, '--port', String(port), ...shared, ...passThrough] })), urls };
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

function startNode(index: number, args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const label = `[node ${index + 1}] `;
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${label}${line}\n`));
  }
  return child;
}

async function main(): Promise<void> {
  let plan;
  try {
    plan = planCluster(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${clusterHelpText}`);
    process.exit(exitCodes.usage);
  }
  if (plan === 'help') {
    process.stdout.write(clusterHelpText);
    return;
  }
  const children = plan.nodes.map((node, index) => startNode(index, node.args));
  let stopping = false;
  const exits = children.map(
    (child, index) =>
      new Promise<number | null>((resolve) =>
        child.once('exit', (code, signal) => {
          if (!stopping) process.stdout.write(`[cluster] node ${index + 1} exited (${signal ?? `code ${code}`}); the others keep serving\n`);
          resolve(code);
        }),
      ),
  );
  process.stdout.write(`[cluster] ${children.length} nodes: ${plan.urls.join(' ')}\n`);
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.once('SIGINT', () => stop('SIGTERM'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  const codes = await Promise.all(exits);
  process.exit(codes.every((code) => code === 0) ? exitCodes.ok : exitCodes.failed);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
