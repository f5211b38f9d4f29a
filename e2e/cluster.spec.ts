import { expect, test as base, type BrowserContext, type Page } from '@playwright/test';
import {
  auditorPassword,
  auditorUsername,
  auditTotal,
  balanceOf,
  customerPassword,
  ledgerRow,
  navLink,
  openAccount,
  submitCredentials,
  transfer,
  uniqueUsername,
} from './support/bank-page.ts';
import { useOwnCluster } from './support/own-cluster.ts';
import { addToCart, checkOut, readStock, startSession, stockOf } from './support/store-page.ts';

/**
 * Two server processes on one PostgreSQL schema (e2e/support/own-cluster.ts): every process
 * publishes every commit to its own tabs, so a tab on one sees what the other commits, and a tab
 * whose process dies moves to the other, named in its welcome.
 */

interface ClusterFixtures {
  /** A new tab (its own browser context, so its own sessionStorage) on the page `baseURL` serves, at `path`. */
  openTab: (baseURL: string, path: string) => Promise<Page>;
}

const test = base.extend<ClusterFixtures>({
  openTab: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (baseURL, path) => {
      const context = await browser.newContext({ baseURL });
      await context.addInitScript(recordConnectionTexts);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(path);
      return page;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

/** What recordConnectionTexts leaves on `window`: every text the connection indicator showed, in order. */
type ConnectionTextsSeen = string[];

/**
 * Runs in the page before the app: records each text of the connection indicator, so a test sees
 * that the tab noticed its process die even if it was back before a look at the page could catch it.
 */
function recordConnectionTexts(): void {
  const seen: string[] = [];
  (window as unknown as { tallyConnectionTextsSeen: ConnectionTextsSeen }).tallyConnectionTextsSeen = seen;
  const record = () => {
    const text = document.querySelector('[role="status"][aria-label="Connection"]')?.textContent ?? '';
    if (text !== '' && seen[seen.length - 1] !== text) seen.push(text);
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
}

function connectionTextsSeen(page: Page): Promise<ConnectionTextsSeen> {
  return page.evaluate(() => (window as unknown as { tallyConnectionTextsSeen: ConnectionTextsSeen }).tallyConnectionTextsSeen);
}

/** Errors the page reports; the browser's own line for each refused connection (to the dead process) is expected. */
function collectUnexpectedErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^WebSocket connection to .* failed/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/**
 * After its process was killed: the tab noticed (it was reconnecting) and is live again, which it can
 * only be on the other process. If not, what the page said on the way is the likeliest reason.
 */
async function expectMovedToTheOtherProcess(page: Page, errors: readonly string[]): Promise<void> {
  await expect.poll(() => connectionTextsSeen(page)).toContain('Reconnecting…');
  await expect.soft(connectionOf(page), 'live again, on the other process').toHaveText('Live', { timeout: failoverTimeoutMs });
  expect(errors).toEqual([]);
  await expect(connectionOf(page)).toHaveText('Live');
}

/** How long a tab may take to find the other process: a few reconnect attempts (shared/limits.ts: 250 ms, doubling). */
const failoverTimeoutMs = 15_000;

/** A product of e2e/catalog.json with stock to spare: each test reads its stock before buying. */
const product = 'Live Lamp';

function connectionOf(page: Page) {
  return page.getByRole('status', { name: 'Connection' });
}

async function registerCustomer(page: Page, prefix: string): Promise<void> {
  await submitCredentials(page, 'Register', uniqueUsername(prefix), customerPassword);
  await expect(page.getByRole('heading', { name: 'My accounts' })).toBeVisible();
}

async function signInAuditor(page: Page): Promise<void> {
  await submitCredentials(page, 'Sign in', auditorUsername, auditorPassword);
  await navLink(page, 'Audit').click();
  await expect(page.getByRole('heading', { name: 'Audit', exact: true })).toBeVisible();
  await expect(auditTotal(page)).not.toHaveText('…');
}

test.describe('two processes on one database', () => {
  const cluster = useOwnCluster(2);

  test('an order placed in a tab on one process shows its new stock in a tab on the other within a second', async ({ openTab }) => {
    const [buyer, watcher] = await Promise.all([openTab(cluster.baseURL(0), '/'), openTab(cluster.baseURL(1), '/')]);
    await Promise.all([startSession(buyer, 'Ada', 'Ada’s house, 1 Test Lane'), startSession(watcher, 'Ben', 'Ben’s house, 2 Test Lane')]);
    const before = await readStock(buyer, product);
    await expect(stockOf(watcher, product)).toHaveText(`${before} left`);

    await addToCart(buyer, product, 3);
    await checkOut(buyer);

    await expect(stockOf(watcher, product)).toHaveText(`${before - 3} left`, { timeout: 1_000 });
    await expect(stockOf(buyer, product)).toHaveText(`${before - 3} left`);
  });

  test('a transfer from a customer on one process reaches the recipient and the auditor on the other within a second', async ({ openTab }) => {
    const [sender, recipient, auditor] = await Promise.all([
      openTab(cluster.baseURL(0), '/#/bank'),
      openTab(cluster.baseURL(1), '/#/bank'),
      openTab(cluster.baseURL(1), '/#/bank'),
    ]);
    await Promise.all([registerCustomer(sender, 'xena'), registerCustomer(recipient, 'yuri'), signInAuditor(auditor)]);
    const senderChecking = await openAccount(sender, 'checking', '100.00');
    const recipientSavings = await openAccount(recipient, 'savings', '20.00');
    // Both openings reach the auditor's live ledger, the one committed by the other process too.
    await expect(ledgerRow(auditor, 'Outside the bank', senderChecking, '$100.00')).toBeVisible();
    await expect(ledgerRow(auditor, 'Outside the bank', recipientSavings, '$20.00')).toBeVisible();

    const outcome = await transfer(sender, senderChecking, recipientSavings, '12.34');
    await expect(outcome).toContainText('OK');
    const okAtMs = Date.now();

    await Promise.all([
      expect(balanceOf(recipient, recipientSavings)).toHaveText('$32.34', { timeout: 1_000 }),
      expect(ledgerRow(auditor, senderChecking, recipientSavings, '$12.34')).toBeVisible({ timeout: 1_000 }),
    ]);
    expect(Date.now() - okAtMs).toBeLessThan(1_000);
    await expect(balanceOf(sender, senderChecking)).toHaveText('$87.66');
  });
});

test.describe('one process of two dies under a bank customer', () => {
  const cluster = useOwnCluster(2);

  test('a tab whose process is killed moves to the other process: its transfer succeeds, and a tab there sees it', async ({ openTab }) => {
    const [sender, recipient] = await Promise.all([openTab(cluster.baseURL(0), '/#/bank'), openTab(cluster.baseURL(1), '/#/bank')]);
    const errors = collectUnexpectedErrors(sender);
    await Promise.all([registerCustomer(sender, 'xena'), registerCustomer(recipient, 'yuri')]);
    const senderChecking = await openAccount(sender, 'checking', '100.00');
    const recipientSavings = await openAccount(recipient, 'savings', '10.00');
    await expect(connectionOf(sender)).toHaveText('Live');

    await cluster.kill(0);
    await expectMovedToTheOtherProcess(sender, errors);

    // The customer's session lives in the database: the other process resumed it, so the tab may move money.
    const outcome = await transfer(sender, senderChecking, recipientSavings, '40.00');
    await expect(outcome).toContainText('OK');
    const okAtMs = Date.now();
    await expect(balanceOf(recipient, recipientSavings)).toHaveText('$50.00', { timeout: 1_000 });
    expect(Date.now() - okAtMs).toBeLessThan(1_000);
    await expect(balanceOf(sender, senderChecking)).toHaveText('$60.00');
  });
});

test.describe('one process of two dies under a shopper', () => {
  const cluster = useOwnCluster(2);

  test('a shopper whose process is killed orders through the other process, and a shopper there sees the stock drop', async ({ openTab }) => {
    const [buyer, watcher] = await Promise.all([openTab(cluster.baseURL(0), '/'), openTab(cluster.baseURL(1), '/')]);
    const errors = collectUnexpectedErrors(buyer);
    await Promise.all([startSession(buyer, 'Cyd', 'Cyd’s house, 3 Test Lane'), startSession(watcher, 'Dee', 'Dee’s house, 4 Test Lane')]);
    const before = await readStock(buyer, product);
    await addToCart(buyer, product, 2);
    await expect(connectionOf(buyer)).toHaveText('Live');

    await cluster.kill(0);
    await expectMovedToTheOtherProcess(buyer, errors);

    // The shopper's session and cart live in the database: the other process resumed them.
    await checkOut(buyer);
    await expect(stockOf(watcher, product)).toHaveText(`${before - 2} left`, { timeout: 1_000 });
    await expect(stockOf(buyer, product)).toHaveText(`${before - 2} left`);
  });
});
