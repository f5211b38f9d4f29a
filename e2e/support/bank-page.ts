import { expect, test as base, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { connectTerminal } from '../../cli/tally-client.ts';
import { formatCents } from '../../shared/money.ts';
import type { AccountKind } from '../../shared/protocol.ts';
import { accountNumberDigits } from '../../shared/limits.ts';

/**
 * How the e2e tests see the bank: by role and accessible name only. Each user is its own browser
 * context (its own sessionStorage), so its own tab. Usernames are unique per run, because every test
 * shares one server and database.
 */
export interface BankTab {
  username: string;
  context: BrowserContext;
  page: Page;
}

/** What playwright.config.ts gives the server as TALLY_AUDITOR_PASSWORD; the auditor's username is fixed. */
export const auditorUsername = 'auditor';
export const auditorPassword = 'e2e-auditor-password';
export const customerPassword = 'correct horse battery';

/** e.g. "ada1764012345678r0": unique per test run and repetition, within usernameLengthMax. */
export function uniqueUsername(prefix: string): string {
  return `${prefix}${Date.now()}r${test.info().repeatEachIndex}`;
}

export function navLink(page: Page, name: 'Store' | 'Bank' | 'Audit'): Locator {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/**
 * The bank's own total of deposits ("$1,234.00"), as the server computes it for a new connection's
 * welcome: what the ledger holds, not what a tab adds up.
 */
export async function serverTotalDeposits(baseURL: string | undefined): Promise<string> {
  if (baseURL === undefined) throw new Error('the e2e config sets baseURL');
  const client = await connectTerminal(`${baseURL.replace(/^http/, 'ws')}/ws`, { reconnect: false });
  try {
    return formatCents(client.welcome.bank.totalDepositsCents);
  } finally {
    await client.close();
  }
}

export async function submitCredentials(page: Page, mode: 'Sign in' | 'Register', username: string, password: string): Promise<void> {
  await page.getByRole('tab', { name: mode, exact: true }).click();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: mode, exact: true }).click();
}

// --- A customer's bank page ------------------------------------------------------------------

export function myAccounts(page: Page): Locator {
  return page.getByRole('table', { name: 'My accounts' });
}

export function accountRow(page: Page, accountNumber: string): Locator {
  return myAccounts(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: accountNumber, exact: true }) });
}

/** "$100.00" (a loan: "$100.00 owed"). */
export function balanceOf(page: Page, accountNumber: string): Locator {
  return accountRow(page, accountNumber).getByRole('cell').last();
}

/** The outcome (OK or FAILED) of the last operation of the form or panel `scope`. */
export function outcomeIn(scope: Locator): Locator {
  return scope.getByRole('status', { name: 'Outcome' }).or(scope.getByRole('alert', { name: 'Outcome' }));
}

function openAccountPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Open an account' });
}

function moneyPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Move money' });
}

/** Opens an account and returns its number, read from the OK outcome. */
export async function openAccount(page: Page, kind: AccountKind, dollars: string): Promise<string> {
  const panel = openAccountPanel(page);
  await panel.getByLabel('Kind', { exact: true }).selectOption(kind);
  await panel.getByLabel(kind === 'loan' ? 'Principal owed' : 'Initial deposit', { exact: true }).fill(dollars);
  await panel.getByRole('button', { name: 'Open account' }).click();
  const outcome = outcomeIn(panel);
  await expect(outcome).toContainText('OK');
  const match = new RegExp(`\\b(\\d{${accountNumberDigits}})\\b`).exec((await outcome.getByRole('listitem').first().textContent()) ?? '');
  if (match === null) throw new Error('the OK outcome names no account number');
  const accountNumber = match[1]!;
  await expect(accountRow(page, accountNumber)).toBeVisible();
  return accountNumber;
}

export type SingleAccountOperation = 'Deposit' | 'Withdraw' | 'Pay loan by check';

const singleAccountFields: Record<SingleAccountOperation, { account: string; submit: string }> = {
  Deposit: { account: 'Into account', submit: 'Deposit' },
  Withdraw: { account: 'From account', submit: 'Withdraw' },
  'Pay loan by check': { account: 'Loan', submit: 'Pay by check' },
};

/**
 * Fills and submits one of the one-account forms; returns the Move money panel, whose outcome (or
 * the amount field's inline error) the caller then reads.
 */
export async function moveMoney(page: Page, operation: SingleAccountOperation, accountNumber: string, dollars: string): Promise<Locator> {
  const panel = moneyPanel(page);
  const fields = singleAccountFields[operation];
  await panel.getByRole('tab', { name: operation, exact: true }).click();
  await panel.getByLabel(fields.account, { exact: true }).selectOption(accountNumber);
  await panel.getByLabel('Amount', { exact: true }).fill(dollars);
  await panel.getByRole('button', { name: fields.submit, exact: true }).click();
  return panel;
}

export async function payLoanByTransfer(page: Page, from: string, loan: string, dollars: string): Promise<Locator> {
  const panel = moneyPanel(page);
  await panel.getByRole('tab', { name: 'Pay loan by transfer', exact: true }).click();
  await panel.getByLabel('From account', { exact: true }).selectOption(from);
  await panel.getByLabel('Loan', { exact: true }).selectOption(loan);
  await panel.getByLabel('Amount', { exact: true }).fill(dollars);
  await panel.getByRole('button', { name: 'Pay loan', exact: true }).click();
  return panel;
}

export function myHistory(page: Page): Locator {
  return page.getByRole('table', { name: 'My history' });
}

/** Sends a transfer and returns the form's outcome (OK or FAILED) once it shows. */
export async function transfer(page: Page, from: string, to: string, dollars: string): Promise<Locator> {
  const panel = moneyPanel(page);
  await panel.getByRole('tab', { name: 'Transfer', exact: true }).click();
  await panel.getByLabel('From account', { exact: true }).selectOption(from);
  await panel.getByLabel('To account number', { exact: true }).fill(to);
  await panel.getByLabel('Amount', { exact: true }).fill(dollars);
  await panel.getByRole('button', { name: 'Send transfer' }).click();
  const outcome = outcomeIn(panel);
  await expect(outcome).toBeVisible();
  return outcome;
}

// --- Simulation ------------------------------------------------------------------------------

export function simulationPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Simulation' });
}

export function simulationCount(page: Page, name: 'OK' | 'FAILED' | 'In flight'): Locator {
  return simulationPanel(page).getByRole('status', { name, exact: true });
}

export async function readSimulationCount(page: Page, name: 'OK' | 'FAILED' | 'In flight'): Promise<number> {
  return Number(await simulationCount(page, name).textContent());
}

/** Starts with every one of my checking and savings accounts chosen, plus `others`. */
export async function startSimulation(page: Page, others: readonly string[], ratePerSecond: number): Promise<void> {
  const panel = simulationPanel(page);
  for (const box of await panel.getByRole('group', { name: 'My accounts to use' }).getByRole('checkbox').all()) await box.check();
  await panel.getByLabel('Other account numbers (optional)', { exact: true }).fill(others.join(' '));
  await panel.getByLabel('Transfers per second', { exact: true }).fill(String(ratePerSecond));
  await panel.getByRole('button', { name: 'Start simulation' }).click();
  await expect(panel.getByRole('button', { name: 'Stop simulation' })).toBeEnabled();
}

/** Stops the simulation and waits until every transfer it sent has its reply. */
export async function stopSimulation(page: Page): Promise<void> {
  const panel = simulationPanel(page);
  await panel.getByRole('button', { name: 'Stop simulation' }).click();
  await expect(panel.getByRole('button', { name: 'Start simulation' })).toBeEnabled();
  await expect(simulationCount(page, 'In flight')).toHaveText('0');
}

// --- The auditor -----------------------------------------------------------------------------

export function auditTotal(page: Page): Locator {
  return page.getByTestId('audit-total-deposits');
}

export function auditLedger(page: Page): Locator {
  return page.getByRole('table', { name: 'All transactions' });
}

/** The ledger rows that name both accounts and the amount. */
export function ledgerRow(page: Page, from: string, to: string, amount: string): Locator {
  return auditLedger(page).getByRole('row').filter({ hasText: from }).filter({ hasText: to }).filter({ hasText: amount });
}

/**
 * Runs in the auditor's page: for `durationMs`, reads the total every `intervalMs` (aiming each read at
 * its own slot, so a late timer does not push the rest back), and records every text the element
 * takes in between (a MutationObserver sees changes a sample could miss).
 */
export async function sampleAuditTotal(page: Page, durationMs: number, intervalMs: number): Promise<{ samples: string[]; changes: string[] }> {
  return page.evaluate(
    ([duration, interval]) =>
      new Promise<{ samples: string[]; changes: string[] }>((resolve) => {
        const element = document.querySelector('[data-testid="audit-total-deposits"]');
        if (element === null) throw new Error('no audit total on the page');
        const read = () => element.textContent ?? '';
        const samples = [read()];
        const changes: string[] = [];
        const observer = new MutationObserver(() => changes.push(read()));
        observer.observe(element, { subtree: true, childList: true, characterData: true });
        const startMs = performance.now();
        const sampleLater = () => {
          const elapsedMs = performance.now() - startMs;
          if (elapsedMs >= duration) {
            observer.disconnect();
            resolve({ samples, changes });
            return;
          }
          const nextSlotMs = (Math.floor(elapsedMs / interval) + 1) * interval;
          setTimeout(() => {
            samples.push(read());
            sampleLater();
          }, nextSlotMs - elapsedMs);
        };
        sampleLater();
      }),
    [durationMs, intervalMs] as const,
  );
}

// --- Fixtures ----------------------------------------------------------------------------------

interface BankFixtures {
  /** A new tab, on the bank page, as a newly registered customer. */
  openCustomer: (prefix: string) => Promise<BankTab>;
  /** A new tab, on the audit page, signed in as the auditor. */
  openAuditor: () => Promise<BankTab>;
}

async function newTab(browser: Browser, baseURL: string | undefined, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext(baseURL === undefined ? {} : { baseURL });
  contexts.push(context);
  return context.newPage();
}

export const test = base.extend<BankFixtures & { bankContexts: BrowserContext[] }>({
  bankContexts: async ({}, use) => {
    const contexts: BrowserContext[] = [];
    await use(contexts);
    await Promise.all(contexts.map((context) => context.close()));
  },
  openCustomer: async ({ browser, baseURL, bankContexts }, use) => {
    await use(async (prefix) => {
      const page = await newTab(browser, baseURL, bankContexts);
      const username = uniqueUsername(prefix);
      await page.goto('/#/bank');
      await submitCredentials(page, 'Register', username, customerPassword);
      await expect(page.getByRole('heading', { name: 'My accounts' })).toBeVisible();
      return { username, context: page.context(), page };
    });
  },
  openAuditor: async ({ browser, baseURL, bankContexts }, use) => {
    await use(async () => {
      const page = await newTab(browser, baseURL, bankContexts);
      await page.goto('/#/bank');
      await submitCredentials(page, 'Sign in', auditorUsername, auditorPassword);
      await navLink(page, 'Audit').click();
      await expect(page.getByRole('heading', { name: 'Audit', exact: true })).toBeVisible();
      await expect(auditTotal(page)).not.toHaveText('…');
      return { username: auditorUsername, context: page.context(), page };
    });
  },
});

export { expect };
