import Database from 'better-sqlite3';
import { balanceOf, customerPassword, expect, myHistory, openAccount, submitCredentials, test } from './support/bank-page.ts';
import { useOwnServer } from './support/own-server.ts';

/**
 * A server of its own (e2e/support/own-server.ts): it is killed mid-transfer and started again, which the
 * shared server of the other tests must not see. A route sits between the tab and the server, so
 * the kill can come at the worst moment: the transfer is committed, and its reply is on its way.
 */
const server = useOwnServer('tally-e2e-exactly-once-');

function ledgerTransfers(): Array<{ request_id: string; amount_cents: number }> {
  const database = new Database(server.databasePath, { readonly: true });
  try {
    return database.prepare<[], { request_id: string; amount_cents: number }>("SELECT request_id, amount_cents FROM ledger_transactions WHERE kind = 'transfer'").all();
  } finally {
    database.close();
  }
}

test('a transfer whose reply is lost to a server crash is sent again and shows its one real outcome', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  let transferRequestId: string | null = null;
  let crashOnTransferReply = true;
  await page.routeWebSocket(/\/ws$/, (route) => {
    const upstream = route.connectToServer();
    route.onMessage((message) => {
      if (typeof message === 'string' && message.includes('"type":"bank.transfer"')) transferRequestId ??= JSON.parse(message).requestId;
      upstream.send(message);
    });
    upstream.onMessage((message) => {
      const isTransferReply = typeof message === 'string' && transferRequestId !== null && message.includes(`"requestId":"${transferRequestId}"`);
      if (isTransferReply && crashOnTransferReply) {
        // Committed and durable (a reply is only sent then), but the tab never hears it.
        crashOnTransferReply = false;
        server.running?.child.kill('SIGKILL');
        return;
      }
      route.send(message);
    });
  });

  await page.goto('/#/bank');
  await submitCredentials(page, 'Register', `crash${Date.now()}`, customerPassword);
  const checking = await openAccount(page, 'checking', '100.00');
  const savings = await openAccount(page, 'savings', '10.00');

  const panel = page.getByRole('region', { name: 'Move money' });
  await panel.getByRole('tab', { name: 'Transfer', exact: true }).click();
  await panel.getByLabel('From account', { exact: true }).selectOption(checking);
  await panel.getByLabel('To account number', { exact: true }).fill(savings);
  await panel.getByLabel('Amount', { exact: true }).fill('30');
  await panel.getByRole('button', { name: 'Send transfer' }).click();

  await expect(panel.getByRole('status', { name: 'Outcome' })).toContainText('retrying');
  await server.running!.exited;
  await server.start();

  const outcome = panel.getByRole('status', { name: 'Outcome' });
  await expect(outcome).toContainText('OK', { timeout: 20_000 });
  await expect(outcome).toContainText('$70.00');
  await expect(balanceOf(page, checking)).toHaveText('$70.00');
  await expect(balanceOf(page, savings)).toHaveText('$40.00');
  await expect(myHistory(page).getByRole('row').filter({ hasText: '$30.00' })).toHaveCount(1);
  expect(ledgerTransfers()).toEqual([{ request_id: transferRequestId, amount_cents: 3_000 }]);
  await context.close();
});
