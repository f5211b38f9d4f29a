import { auditTotal, expect, moveMoney, navLink, openAccount, outcomeIn, test } from './support/bank-page.ts';
import { routeThroughServerLink } from './support/server-link.ts';
import { addToCart, cart, cartLine, productCard, startSession } from './support/store-page.ts';

const offline = 'Offline — reconnecting…';
/** The client backs off to at most 5 s between attempts. */
const reconnectTimeoutMs = 10_000;

test('while the server cannot be reached the cart and checkout wait and say why, and come back by themselves', async ({ page }) => {
  const link = await routeThroughServerLink(page.context());
  await page.goto('/');
  await startSession(page, 'Olu', '9 Offline Row');
  await addToCart(page, 'Live Lamp', 1);
  const connection = page.getByRole('status', { name: 'Connection' });
  const review = cart(page).getByRole('button', { name: 'Review order' });
  const increase = cartLine(page, 'Live Lamp').getByRole('button', { name: 'Increase quantity of Live Lamp' });

  link.down();

  await expect(connection).toHaveText('Reconnecting…');
  await expect(review).toBeDisabled();
  await expect(review).toHaveAccessibleDescription(offline);
  await expect(increase).toBeDisabled();
  await expect(productCard(page, 'Live Lamp').getByRole('button', { name: 'Add to cart' })).toBeDisabled();

  link.up();

  await expect(connection).toHaveText('Live', { timeout: reconnectTimeoutMs });
  await expect(cart(page).getByText(offline)).toHaveCount(0);
  await expect(review).toBeEnabled();
  await expect(increase).toBeEnabled();
  await review.click();
  await expect(page.getByRole('button', { name: 'Confirm order' })).toBeEnabled();
});

test('while the server cannot be reached no money form can send, and each says why', async ({ openCustomer }) => {
  const { page } = await openCustomer('offline');
  const checking = await openAccount(page, 'checking', '10.00');
  const link = await routeThroughServerLink(page.context());
  await page.reload();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Live');
  const panel = page.getByRole('region', { name: 'Move money' });
  const deposit = panel.getByRole('button', { name: 'Deposit', exact: true });

  link.down();

  await expect(deposit).toBeDisabled();
  await expect(deposit).toHaveAccessibleDescription(offline);
  await expect(page.getByRole('region', { name: 'Open an account' }).getByRole('button', { name: 'Open account' })).toBeDisabled();

  link.up();

  await expect(deposit).toBeEnabled({ timeout: reconnectTimeoutMs });
  await expect(panel.getByText(offline)).toHaveCount(0);
  await expect(outcomeIn(await moveMoney(page, 'Deposit', checking, '5'))).toContainText('OK');
});

test('while the server cannot be reached the auditor’s total is marked stale, not live', async ({ openAuditor }) => {
  const { page } = await openAuditor();
  const link = await routeThroughServerLink(page.context());
  await page.reload();
  await expect(auditTotal(page)).not.toHaveText('…');
  const totalPanel = page.getByRole('region', { name: 'Total of all balances' });
  await expect(totalPanel.getByText('Live', { exact: true })).toBeVisible();

  link.down();

  await expect(totalPanel.getByText('Stale: offline')).toBeVisible();
  await expect(totalPanel.getByText('Live', { exact: true })).toHaveCount(0);

  link.up();

  await expect(totalPanel.getByText('Live', { exact: true })).toBeVisible({ timeout: reconnectTimeoutMs });
  await expect(page.getByText(offline)).toHaveCount(0);
  await expect(navLink(page, 'Audit')).toBeVisible();
});
