import { expect, test } from '@playwright/test';
import { collectPageErrors } from './support/dashboard-page.ts';
import { useOwnServer } from './support/own-server.ts';

const server = useOwnServer('tally-e2e-dashboard-stale-');

test('the dashboard is marked stale within 2 s of the server dying, and live again after it restarts', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto('/#/dashboard');
  await expect(page.getByTestId('dashboard-live')).toBeVisible();
  await expect(page.getByTestId('dashboard-stale')).toHaveCount(0);

  await server.kill();
  await expect(page.getByTestId('dashboard-stale')).toBeVisible({ timeout: 2_000 });
  await expect(page.getByTestId('dashboard-live')).toHaveCount(0);

  await server.start();
  await expect(page.getByTestId('dashboard-live')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('dashboard-stale')).toHaveCount(0);
  // The browser reports each refused reconnect as a console error; nothing else may appear.
  expect(errors.filter((error) => !/WebSocket connection to .* failed/.test(error))).toEqual([]);
  await context.close();
});
