import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnServer, type ServerProcess } from '../test/support/server-process.ts';
import { freePort } from '../torture/server-process.ts';
import { collectPageErrors } from './support/dashboard-page.ts';

/** A server of its own, killed and started again, which the shared server of the other tests must not see. */
let directory: string;
let port: number;
let running: ServerProcess | null = null;

async function startServer(): Promise<void> {
  running = await spawnServer(['--port', String(port), '--database', join(directory, 'tally.sqlite')], { TALLY_AUDITOR_PASSWORD: 'e2e-auditor-password' });
}

test.beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tally-e2e-dashboard-stale-'));
  port = await freePort();
  await startServer();
});

test.afterAll(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  rmSync(directory, { recursive: true, force: true });
});

test('the dashboard is marked stale within 2 s of the server dying, and live again after it restarts', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto('/#/dashboard');
  await expect(page.getByTestId('dashboard-live')).toBeVisible();
  await expect(page.getByTestId('dashboard-stale')).toHaveCount(0);

  running!.child.kill('SIGKILL');
  await running!.exited;
  await expect(page.getByTestId('dashboard-stale')).toBeVisible({ timeout: 2_000 });
  await expect(page.getByTestId('dashboard-live')).toHaveCount(0);

  await startServer();
  await expect(page.getByTestId('dashboard-live')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('dashboard-stale')).toHaveCount(0);
  // The browser reports each refused reconnect as a console error; nothing else may appear.
  expect(errors.filter((error) => !/WebSocket connection to .* failed/.test(error))).toEqual([]);
  await context.close();
});
