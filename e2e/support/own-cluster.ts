import { test } from '@playwright/test';
import { dropTestSchema, newTestSchemaName, testDatabaseUrl } from '../../test/support/postgres-schema.ts';
import { spawnServer, type ServerProcess } from '../../test/support/server-process.ts';
import { freePort } from '../../torture/server-process.ts';
import { auditorPassword } from './bank-page.ts';

/**
 * Several server processes of one Tally, on one PostgreSQL schema of their own, which the shared
 * SQLite server of the other specs never sees. Each process is told every process's WebSocket
 * address (`--endpoint`, named in the welcome so a tab can move on when its process dies) and lets
 * pages served by any of them open a WebSocket on it (`--allowed-origin`).
 */
export interface OwnCluster {
  readonly nodeCount: number;
  /** e.g. postgresql://postgres@127.0.0.1:5432/test?schema=tally_test_0123456789ab */
  readonly databaseUrl: string;
  /** The page of node `index` (0-based), e.g. http://127.0.0.1:41234 */
  baseURL(index: number): string;
  /** e.g. ws://127.0.0.1:41234/ws */
  webSocketUrl(index: number): string;
  /** SIGKILLs node `index` and waits until its process is gone; the others run on. */
  kill(index: number): Promise<void>;
}

/** Registers beforeAll/afterAll hooks: started before the tests of the enclosing describe (or file), killed and the schema dropped after. */
export function useOwnCluster(nodeCount: number): OwnCluster {
  let schema = '';
  let ports: number[] = [];
  const running: Array<ServerProcess | null> = [];
  const cluster: OwnCluster = {
    nodeCount,
    get databaseUrl() {
      const url = new URL(testDatabaseUrl);
      url.searchParams.set('schema', schema);
      return url.toString();
    },
    baseURL: (index) => `http://127.0.0.1:${portOf(ports, index)}`,
    webSocketUrl: (index) => `ws://127.0.0.1:${portOf(ports, index)}/ws`,
    async kill(index) {
      const node = running[index] ?? null;
      running[index] = null;
      node?.child.kill('SIGKILL');
      await node?.exited;
    },
  };
  test.beforeAll(async () => {
    schema = newTestSchemaName();
    ports = await distinctFreePorts(nodeCount);
    const args = clusterArguments(cluster);
    const start = async (index: number) => {
      running[index] = await spawnServer(['--port', String(ports[index]), ...args], { TALLY_AUDITOR_PASSWORD: auditorPassword });
    };
    // The first creates the schema, its tables, the catalog and the auditor; the others find them made.
    await start(0);
    await Promise.all(ports.slice(1).map((_, offset) => start(offset + 1)));
  });
  test.afterAll(async () => {
    await Promise.all(ports.map((_, index) => cluster.kill(index)));
    if (schema !== '') await dropTestSchema(schema);
  });
  return cluster;
}

/** How many times freePort may be asked per node before the cluster gives up. */
const freePortAttemptsPerNode = 10;

/** What every process of the cluster is started with, besides its own port. */
function clusterArguments(cluster: OwnCluster): string[] {
  const args = ['--database', cluster.databaseUrl, '--catalog', 'e2e/catalog.json'];
  for (let index = 0; index < cluster.nodeCount; index += 1) {
    args.push('--endpoint', cluster.webSocketUrl(index), '--allowed-origin', cluster.baseURL(index));
  }
  return args;
}

/** `count` ports free now, no two alike (freePort may hand out a port it gave a moment ago). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; attempt < count * freePortAttemptsPerNode && ports.size < count; attempt += 1) ports.add(await freePort());
  if (ports.size < count) throw new Error(`found only ${ports.size} distinct free ports of the ${count} the cluster needs`);
  return [...ports];
}

function portOf(ports: readonly number[], index: number): number {
  const port = ports[index];
  if (port === undefined) throw new RangeError(`the cluster has no node ${index} (it has ${ports.length}, started in beforeAll)`);
  return port;
}
