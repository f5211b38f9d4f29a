import { mergeTests } from '@playwright/test';
import { test as bankTest, openAccount, startSimulation, stopSimulation } from './support/bank-page.ts';
import { collectPageErrors, dashboardStock, drawEveryChart, racesLost, tape } from './support/dashboard-page.ts';
import { addToCart, cart, checkOut, checkoutOutcome, expect, productForThisRun, test as storeTest } from './support/store-page.ts';

const test = mergeTests(storeTest, bankTest);

test('a checkout moves the dashboard within a second, and a race lost in another tab is counted', async ({ browser, baseURL, openShopper }, testInfo) => {
  const watcherContext = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
  const dashboard = await watcherContext.newPage();
  const errors = collectPageErrors(dashboard);
  await dashboard.goto('/#/dashboard');
  await expect(dashboard.getByTestId('dashboard-live')).toBeVisible();
  const teapot = 'Tape Teapot';
  const stockBefore = Number(await dashboardStock(dashboard, teapot).textContent());

  const buyer = await openShopper('Dana');
  await addToCart(buyer.page, teapot, 2);
  await checkOut(buyer.page);
  const confirmedAt = Date.now();
  await expect(dashboardStock(dashboard, teapot)).toHaveText(String(stockBefore - 2), { timeout: 1_000 });
  await expect(tape(dashboard).getByRole('listitem').filter({ hasText: 'A shopper ordered 2 items for $66.00' })).toHaveCount(1, { timeout: Math.max(1, 1_000 - (Date.now() - confirmedAt)) });

  const drum = productForThisRun('Dash Drum');
  const totalBefore = Number(await dashboard.getByTestId('races-lost-total').textContent());
  await expect(racesLost(dashboard, drum)).toHaveText('0');
  const [first, second] = await Promise.all([openShopper('Ravi'), openShopper('Rosa')]);
  for (const { page } of [first, second]) {
    await addToCart(page, drum, 1);
    await cart(page).getByRole('button', { name: 'Review order' }).click();
    await expect(page.getByRole('button', { name: 'Confirm order' })).toBeEnabled();
  }
  await Promise.all([first, second].map(({ page }) => page.getByRole('button', { name: 'Confirm order' }).click()));
  const outcomes = await Promise.all([first, second].map(({ page }) => checkoutOutcome(page)));
  expect([...outcomes].sort()).toEqual(['confirmed', 'conflict']);
  await expect(racesLost(dashboard, drum)).toHaveText('1', { timeout: 2_000 });
  await expect(dashboard.getByTestId('races-lost-total')).toHaveText(String(totalBefore + 1));
  await expect(tape(dashboard)).toContainText(`A shopper bought the last ${drum}`);
  await expect(tape(dashboard)).toContainText(`Checkout refused: ${drum} sold out`);

  await drawEveryChart(dashboard);
  await dashboard.screenshot({ path: testInfo.outputPath('dashboard-desktop.png'), fullPage: true });
  await testInfo.attach('dashboard-desktop', { path: testInfo.outputPath('dashboard-desktop.png'), contentType: 'image/png' });
  await dashboard.setViewportSize({ width: 390, height: 844 });
  await expect(dashboard.getByTestId('dashboard-live')).toBeVisible();
  await drawEveryChart(dashboard);
  await dashboard.screenshot({ path: testInfo.outputPath('dashboard-phone.png'), fullPage: true });
  await testInfo.attach('dashboard-phone', { path: testInfo.outputPath('dashboard-phone.png'), contentType: 'image/png' });
  expect(errors).toEqual([]);
  await watcherContext.close();
});

test('the auditor sees money conserved, actual equal to expected, while two tabs simulate', async ({ openCustomer, openAuditor }) => {
  const [ada, bob] = await Promise.all([openCustomer('ada'), openCustomer('bob')]);
  const adaChecking = await openAccount(ada.page, 'checking', '500.00');
  const adaSavings = await openAccount(ada.page, 'savings', '100.00');
  const bobChecking = await openAccount(bob.page, 'checking', '500.00');
  await openAccount(bob.page, 'loan', '250.00');
  const auditor = await openAuditor();
  const errors = collectPageErrors(auditor.page);
  await auditor.page.goto('/#/dashboard');
  const conservation = auditor.page.getByTestId('conservation');
  await expect(conservation).toBeVisible();

  await startSimulation(ada.page, [bobChecking], 40);
  await startSimulation(bob.page, [adaChecking, adaSavings], 40);
  const actual = auditor.page.getByTestId('conservation-actual');
  const expected = auditor.page.getByTestId('conservation-expected');
  const samples: Array<{ actual: string; expected: string }> = [];
  for (let sample = 0; sample < 6; sample += 1) {
    await auditor.page.waitForTimeout(500);
    samples.push({ actual: (await actual.textContent()) ?? '', expected: (await expected.textContent()) ?? '' });
  }
  await Promise.all([stopSimulation(ada.page), stopSimulation(bob.page)]);
  for (const { actual: seenActual, expected: seenExpected } of samples) {
    expect(seenActual).toMatch(/\$/);
    expect(seenActual).toBe(seenExpected);
  }
  await expect(conservation).toContainText('OK');
  await expect(conservation).not.toContainText('MISMATCH');
  expect(errors).toEqual([]);
});

test('a tab that is not the auditor gets no conservation panel', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/#/dashboard');
  await expect(page.getByTestId('dashboard-live')).toBeVisible();
  await expect(page.getByTestId('conservation')).toHaveCount(0);
  await context.close();
});
