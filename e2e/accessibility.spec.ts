import AxeBuilder from '@axe-core/playwright';
import { mergeTests, type Page } from '@playwright/test';
import { test as bankTest, openAccount } from './support/bank-page.ts';
import { expect, test as storeTest } from './support/store-page.ts';

const test = mergeTests(storeTest, bankTest);

/** Serious and critical violations, each with the selectors of the elements at fault. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('the store, with a shopper and a cart, has no serious or critical accessibility violations', async ({ openShopper }) => {
  const { page } = await openShopper('Axel');
  await page.getByRole('article', { name: 'Live Lamp', exact: true }).getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('region', { name: 'Your cart' })).toContainText('Live Lamp');
  expect(await seriousViolations(page)).toEqual([]);
});

test('the bank page of a customer with accounts has none', async ({ openCustomer }) => {
  const { page } = await openCustomer('axe');
  await openAccount(page, 'checking', '120.00');
  expect(await seriousViolations(page)).toEqual([]);
});

test('the audit page and the auditor’s dashboard have none', async ({ openAuditor }) => {
  const { page } = await openAuditor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto('/#/dashboard');
  await expect(page.getByTestId('conservation')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the dashboard, on a wall screen and on a phone, has none', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/#/dashboard');
  await expect(page.getByTestId('dashboard-live')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
});
