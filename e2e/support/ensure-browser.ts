/**
 * Run by `npm run test:e2e` before Playwright: makes sure a Chromium is there, as playwright.config.ts
 * looks for it (CHROMIUM_PATH, Debian's /usr/bin/chromium, else Playwright's own). When none is,
 * it installs Playwright's, else (as root on Debian) Debian's, else stops with one line saying what
 * to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const debianChromium = '/usr/bin/chromium';

function found(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') return existsSync(configured) ? configured : null;
  if (existsSync(debianChromium)) return debianChromium;
  const bundled = chromium.executablePath();
  return existsSync(bundled) ? bundled : null;
}

function run(command: string, args: readonly string[]): boolean {
  console.log(`e2e: no browser found; running ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit' }).status === 0;
}

const isRoot = process.getuid?.() === 0;
if (found() === null) {
  const installed =
    run('npx', ['playwright', 'install', 'chromium']) ||
    (isRoot && existsSync('/usr/bin/apt-get') && run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', 'chromium']));
  if (!installed || found() === null) {
    console.error('e2e: no browser for the tests: run `npx playwright install chromium`, or as root on Debian `apt-get install -y chromium`.');
    process.exit(1);
  }
}
