import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { spawnServer, type ServerProcess } from '../../test/support/server-process.ts';
import { freePort } from '../../torture/server-process.ts';

/** A server a spec may kill and start again, on its own port and database, which the shared server of the other specs never sees. */
export interface OwnServer {
  readonly baseURL: string;
  readonly databasePath: string;
  /** SIGKILLs it and waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  /** The running process, for a spec that kills it from a callback. */
  readonly running: ServerProcess | null;
}

/** Registers beforeAll/afterAll hooks: started before the spec's tests, killed and its folder removed after. */
export function useOwnServer(folderPrefix: string): OwnServer {
  let directory = '';
  let port = 0;
  let running: ServerProcess | null = null;
  const server: OwnServer = {
    get baseURL() {
      return `http://127.0.0.1:${port}`;
    },
    get databasePath() {
      return join(directory, 'tally.sqlite');
    },
    get running() {
      return running;
    },
    async start() {
      running = await spawnServer(['--port', String(port), '--database', join(directory, 'tally.sqlite')], { TALLY_AUDITOR_PASSWORD: 'e2e-auditor-password' });
    },
    async kill() {
      running?.child.kill('SIGKILL');
      await running?.exited;
    },
  };
  test.beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), folderPrefix));
    port = await freePort();
    await server.start();
  });
  test.afterAll(async () => {
    await server.kill();
    rmSync(directory, { recursive: true, force: true });
  });
  return server;
}
