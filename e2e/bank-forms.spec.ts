import { balanceOf, expect, moveMoney, myHistory, openAccount, outcomeIn, payLoanByTransfer, test, transfer } from './support/bank-page.ts';

test('every money form checks its amount in place, then answers OK with new balances or FAILED with the reason', async ({ openCustomer }) => {
  const { page } = await openCustomer('forms');
  const checking = await openAccount(page, 'checking', '100.00');
  const savings = await openAccount(page, 'savings', '50');
  const loan = await openAccount(page, 'loan', '80.00');

  // Inline validation: nothing is sent, the field says why.
  const refusedInPlace = await moveMoney(page, 'Deposit', checking, '12.345');
  await expect(refusedInPlace.getByText('Use at most two decimal places (whole cents).')).toBeVisible();
  await expect(refusedInPlace.getByLabel('Amount', { exact: true })).toBeFocused();
  await moveMoney(page, 'Deposit', checking, '0');
  await expect(refusedInPlace.getByText('The amount must be more than $0.00.')).toBeVisible();
  await expect(balanceOf(page, checking)).toHaveText('$100.00');

  await expect(outcomeIn(await moveMoney(page, 'Deposit', checking, '20'))).toContainText('OK');
  await expect(balanceOf(page, checking)).toHaveText('$120.00');

  const overdrawn = outcomeIn(await moveMoney(page, 'Withdraw', checking, '500'));
  await expect(overdrawn).toContainText('FAILED');
  await expect(overdrawn).toContainText('holds $120.00, less than $500.00');
  // Like the bank seed's server, a refusal answers with the balances as they still are.
  await expect(overdrawn).toContainText(`Checking ${checking}$120.00`);
  await expect(balanceOf(page, checking)).toHaveText('$120.00');
  const withdrawn = outcomeIn(await moveMoney(page, 'Withdraw', checking, '20.50'));
  await expect(withdrawn).toContainText('OK');
  await expect(withdrawn).toContainText('$99.50');
  await expect(balanceOf(page, checking)).toHaveText('$99.50');
  // A new field error never sits under the last request's OK: editing or refusing a field clears it.
  const refusedAfterOk = await moveMoney(page, 'Withdraw', checking, '1.999');
  await expect(refusedAfterOk.getByText('Use at most two decimal places (whole cents).')).toBeVisible();
  await expect(outcomeIn(refusedAfterOk)).toHaveCount(0);

  const overpaid = outcomeIn(await moveMoney(page, 'Pay loan by check', loan, '100'));
  await expect(overpaid).toContainText('FAILED');
  await expect(overpaid).toContainText('owes $80.00');
  await expect(outcomeIn(await moveMoney(page, 'Pay loan by check', loan, '30'))).toContainText('OK');
  await expect(balanceOf(page, loan)).toHaveText('$50.00 owed');

  await expect(outcomeIn(await payLoanByTransfer(page, savings, loan, '10'))).toContainText('OK');
  await expect(balanceOf(page, savings)).toHaveText('$40.00');
  await expect(balanceOf(page, loan)).toHaveText('$40.00 owed');

  // My history has every committed operation, newest first; refusals left no trace.
  const rows = myHistory(page).getByRole('row');
  await expect(rows.filter({ hasText: 'Loan payment by transfer' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Loan payment by check' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Withdrawal' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Deposit' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Account opened' })).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('Loan payment by transfer');
});

test('the transfer form catches a mistyped account number before sending, and a refusal tells nothing of others’ accounts', async ({ openCustomer }) => {
  const [ada, ben] = await Promise.all([openCustomer('typo'), openCustomer('payee')]);
  const from = await openAccount(ada.page, 'checking', '100.00');
  const benLoan = await openAccount(ben.page, 'loan', '50.00');
  const panel = ada.page.getByRole('region', { name: 'Move money' });
  const toField = panel.getByLabel('To account number', { exact: true });

  // Two adjacent digits swapped: the check digits catch it in the form, and nothing is sent.
  // Random digits: swap the first two neighbours that differ (swapping equal ones changes nothing).
  const at = [...benLoan].findIndex((digit, index) => digit !== benLoan[index + 1]);
  const swapped = `${benLoan.slice(0, at)}${benLoan[at + 1]}${benLoan[at]}${benLoan.slice(at + 2)}`;
  expect(swapped).not.toBe(benLoan);
  await panel.getByRole('tab', { name: 'Transfer', exact: true }).click();
  await toField.fill(swapped);
  await panel.getByLabel('Amount', { exact: true }).fill('5');
  await panel.getByRole('button', { name: 'Send transfer' }).click();
  await expect(toField).toHaveAccessibleDescription('Check the account number: one of its digits is wrong or two are swapped.');
  await expect(toField).toBeFocused();
  await expect(outcomeIn(panel)).toHaveCount(0);

  // Well-formed, but another customer's loan: refused exactly as a number nobody holds would be.
  const refused = await transfer(ada.page, from, benLoan, '5');
  await expect(refused).toContainText('FAILED');
  await expect(refused).toContainText(`No account ${benLoan} can receive this transfer.`);
  await expect(refused).not.toContainText('loan');
  await expect(balanceOf(ada.page, from)).toHaveText('$100.00');
});
