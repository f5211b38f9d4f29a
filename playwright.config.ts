import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { limitArguments } from './server/config.ts';
import { loopbackLoadTestLimits } from './shared/limits.ts';

/**
 * The real Tally server the browser tests talk to; `npm run test:e2e` builds dist/web first.
 * TALLY_E2E_PORT moves it, so two checkouts can run their browser tests side by side.
 */
const e2ePort = Number(process.env.TALLY_E2E_PORT ?? 9310);
const baseURL = `http://127.0.0.1:${e2ePort}`;

/**
 * A fresh database for every run. The runner and each worker load this file; the folder is made once,
 * by the runner, and handed to the workers through the environment they inherit.
 */
process.env.TALLY_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'tally-e2e-'));
const databasePath = join(process.env.TALLY_E2E_DATA_DIR, 'e2e.sqlite');

/** The system Chromium (CHROMIUM_PATH, else Debian's /usr/bin/chromium), else Playwright's own download. */
function chromiumExecutablePath(): string | undefined {
  const fromEnvironment = process.env.CHROMIUM_PATH;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

export default defineConfig({
  testDir: 'e2e',
  // Every test shares one server and database; products are dedicated per test (e2e/catalog.json).
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumExecutablePath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `npx tsx server/main.ts --host 127.0.0.1 --port ${e2ePort} --database ${databasePath} --catalog e2e/catalog.json ${limitArguments(loopbackLoadTestLimits).join(' ')}`,
    url: `${baseURL}/`,
    // A fixed auditor password, so the server does not print a generated one into the test log.
    env: { TALLY_AUDITOR_PASSWORD: 'e2e-auditor-password' },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
