import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { NewProduct } from '../../server/store/store-repository.ts';
import { dropTestSchema, newTestSchemaName, queryTestSchema, testDatabaseUrl } from '../support/postgres-schema.ts';
import { type ServerProcess, spawnServer } from '../support/server-process.ts';
import { TestClient } from '../support/test-client.ts';
import { testAuditorPassword } from '../support/test-server.ts';

export interface Cluster {
  /** The processes, each its own `server/main.ts`, all on one PostgreSQL schema. */
  nodes: ServerProcess[];
  databaseUrl: string;
  schema: string;
  /** Reads committed rows (`?` placeholders). */
  query<Row>(text: string, ...parameters: Array<string | number>): Promise<Row[]>;
  /** A client of node `index % nodes`, closed after the test. */
  connect(index: number, requestIdPrefix?: string): Promise<TestClient>;
}

/**
 * Several Tally server processes sharing one fresh PostgreSQL schema, started at once (so their
 * migrations, catalog seeding and auditor creation race, as in a real rollout), killed and the
 * schema dropped after each test.
 */
export function useCluster() {
  const started: Array<{ nodes: ServerProcess[]; schema: string; directory: string }> = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
    for (const { nodes, schema, directory } of started.splice(0)) {
      for (const node of nodes) node.child.kill('SIGKILL');
      await Promise.all(nodes.map((node) => node.exited));
      await dropTestSchema(schema);
      rmSync(directory, { recursive: true, force: true });
    }
  });
  return {
    async start(nodeCount: number, products: readonly NewProduct[]): Promise<Cluster> {
      const directory = mkdtempSync(join(tmpdir(), 'tally-cluster-'));
      const catalogPath = join(directory, 'catalog.json');
      writeFileSync(catalogPath, JSON.stringify({ products }));
      const schema = newTestSchemaName();
      const databaseUrl = `${testDatabaseUrl}?schema=${schema}`;
      const entry = { nodes: [] as ServerProcess[], schema, directory };
      started.push(entry);
      const spawned = await Promise.allSettled(
        Array.from({ length: nodeCount }, () =>
          spawnServer(['--database', databaseUrl, '--catalog', catalogPath], { TALLY_AUDITOR_PASSWORD: testAuditorPassword }),
        ),
      );
      for (const result of spawned) if (result.status === 'fulfilled') entry.nodes.push(result.value);
      const failed = spawned.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const nodes = entry.nodes;
      return {
        nodes,
        databaseUrl,
        schema,
        query: (text, ...parameters) => queryTestSchema(schema, text, parameters),
        async connect(index, requestIdPrefix) {
          const client = await TestClient.connect(nodes[index % nodes.length]!.webSocketUrl, requestIdPrefix);
          clients.push(client);
          return client;
        },
      };
    },
    track(...tracked: TestClient[]) {
      clients.push(...tracked);
    },
  };
}
