import {
  auditLedger,
  auditTotal,
  balanceOf,
  expect,
  ledgerRow,
  navLink,
  openAccount,
  readSimulationCount,
  sampleAuditTotal,
  serverTotalDeposits,
  startSimulation,
  stopSimulation,
  test,
  transfer,
} from './support/bank-page.ts';

test('a transfer reaches the recipient’s tab and the auditor’s ledger within a second of the sender’s OK', async ({
  openCustomer,
  openAuditor,
}) => {
  const [ada, ben] = await Promise.all([openCustomer('ada'), openCustomer('ben')]);
  const auditor = await openAuditor();
  const adaChecking = await openAccount(ada.page, 'checking', '100.00');
  const benSavings = await openAccount(ben.page, 'savings', '20.00');
  // The auditor's ledger is live: Ben's opening has arrived, so the next row will come the same way.
  await expect(ledgerRow(auditor.page, 'Outside the bank', benSavings, '$20.00')).toBeVisible();

  const outcome = await transfer(ada.page, adaChecking, benSavings, '12.34');
  await expect(outcome).toContainText('OK');
  const okAtMs = Date.now();

  await Promise.all([
    expect(balanceOf(ben.page, benSavings)).toHaveText('$32.34', { timeout: 1_000 }),
    expect(ledgerRow(auditor.page, adaChecking, benSavings, '$12.34')).toBeVisible({ timeout: 1_000 }),
  ]);
  expect(Date.now() - okAtMs).toBeLessThan(1_000);

  await expect(outcome).toContainText(`Checking ${adaChecking}$87.66`);
  await expect(balanceOf(ada.page, adaChecking)).toHaveText('$87.66');
  await expect(ledgerRow(auditor.page, adaChecking, benSavings, '$12.34')).toContainText(ada.username);
});

test('a customer sees no Audit link, and #/audit refuses without showing any audit data', async ({ openCustomer, page }) => {
  const { page: customer } = await openCustomer('cyd');
  await expect(navLink(customer, 'Bank')).toBeVisible();
  await expect(navLink(customer, 'Audit')).toHaveCount(0);

  await customer.goto('/#/audit');

  await expect(customer.getByRole('heading', { name: 'Only the auditor may see the audit views' })).toBeVisible();
  await expect(auditTotal(customer)).toHaveCount(0);
  await expect(customer.getByRole('table', { name: 'All transactions' })).toHaveCount(0);
  await expect(customer.getByRole('region', { name: 'Account holders' })).toHaveCount(0);

  await page.goto('/#/audit');
  await expect(page.getByRole('heading', { name: 'Only the auditor may see the audit views' })).toBeVisible();
  await expect(auditTotal(page)).toHaveCount(0);
});

test('while two customers simulate transfers among their accounts, the auditor’s total never moves', async ({
  openCustomer,
  openAuditor,
  baseURL,
}) => {
  const [ada, ben] = await Promise.all([openCustomer('ada'), openCustomer('ben')]);
  const adaAccounts = [await openAccount(ada.page, 'checking', '100.00'), await openAccount(ada.page, 'savings', '100.00')];
  const benAccounts = [await openAccount(ben.page, 'checking', '100.00'), await openAccount(ben.page, 'savings', '100.00')];
  const auditor = await openAuditor();
  // The auditor's map holds every account: its total agrees with the server's own.
  await expect(async () => {
    expect(await auditTotal(auditor.page).textContent()).toBe(await serverTotalDeposits(baseURL));
  }).toPass({ timeout: 5_000 });
  const totalBefore = await auditTotal(auditor.page).textContent();

  await Promise.all([startSimulation(ada.page, benAccounts, 20), startSimulation(ben.page, adaAccounts, 20)]);
  const { samples, changes } = await sampleAuditTotal(auditor.page, 5_000, 100);
  await Promise.all([stopSimulation(ada.page), stopSimulation(ben.page)]);

  // About 50 samples. A busy machine runs the page's timers late and skips slots; the observer
  // still saw every change in between, so the samples only need to cover the window.
  expect(samples.length).toBeGreaterThanOrEqual(30);
  expect(samples.filter((sample) => sample !== samples[0])).toEqual([]);
  expect(changes.filter((text) => text !== samples[0])).toEqual([]);
  expect(samples[0]).toBe(totalBefore);
  expect(await readSimulationCount(ada.page, 'OK')).toBeGreaterThan(0);
  expect(await readSimulationCount(ben.page, 'OK')).toBeGreaterThan(0);
  // The simulated transfers are in the ledger, and the server's own total agrees that nothing left the bank.
  const simulatedRows = auditLedger(auditor.page).getByRole('row').filter({ hasText: 'Transfer' });
  await expect(simulatedRows.filter({ hasText: new RegExp(`${ada.username}|${ben.username}`) }).first()).toBeVisible();
  expect(await serverTotalDeposits(baseURL)).toBe(totalBefore);
  await expect(auditTotal(auditor.page)).toHaveText(totalBefore ?? '');
});
