import {
  addToCart,
  cartQuantity,
  checkOut,
  expect,
  orderHistory,
  startSession,
  test,
} from './support/store-page.ts';

test('the shopper form requires a name and an address', async ({ page }) => {
  await page.goto('/');
  const name = page.getByLabel('Name');
  const address = page.getByLabel('Address');
  const start = page.getByRole('button', { name: 'Start shopping' });

  await start.click();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription('Please enter your name.');
  await expect(address).toHaveAccessibleDescription('Please enter your address.');
  await expect(name).toBeFocused();

  await name.fill('   ');
  await address.fill('7 Quiet Mews');
  await start.click();
  await expect(name).toHaveAccessibleDescription('Please enter your name.');
  await expect(address).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByText('Please enter your address.')).toBeHidden();

  await startSession(page, 'Ivy', '7 Quiet Mews');
  await expect(page.getByRole('form', { name: 'Who’s shopping today?' })).toBeHidden();
});

test('a reload keeps the tab’s shopper, cart and order history; another tab is another shopper', async ({
  openShopper,
  browser,
  baseURL,
}) => {
  const { page } = await openShopper('Jude');
  await addToCart(page, 'Keepsake Kite', 1);
  const orderNumber = await checkOut(page);
  await page.getByRole('button', { name: 'Continue shopping' }).click();
  await expect(orderHistory(page).getByRole('heading', { name: `Order #${orderNumber}`, exact: true })).toBeVisible();
  await addToCart(page, 'Keepsake Kite', 3);

  await page.reload();

  await expect(page.getByRole('heading', { name: 'Welcome, Jude' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start shopping' })).toBeHidden();
  await expect(cartQuantity(page, 'Keepsake Kite')).toHaveText('3');
  await expect(orderHistory(page).getByRole('heading', { name: `Order #${orderNumber}`, exact: true })).toBeVisible();

  const otherTab = await browser.newContext(baseURL === undefined ? {} : { baseURL });
  try {
    const other = await otherTab.newPage();
    await other.goto('/');
    await expect(other.getByRole('button', { name: 'Start shopping' })).toBeVisible();
    await expect(other.getByRole('heading', { name: 'Welcome, Jude' })).toBeHidden();
  } finally {
    await otherTab.close();
  }
});
