import {
  addToCart,
  checkOut,
  expect,
  productCard,
  readStock,
  stockOf,
  test,
} from './support/store-page.ts';

test('a purchase in one tab shows the new stock in every other tab within a second', async ({ openShopper }) => {
  const [buyer, second, third] = await Promise.all([openShopper('Ada'), openShopper('Ben'), openShopper('Cyd')]);
  const before = await readStock(buyer.page, 'Live Lamp');
  for (const shopper of [second, third]) await expect(stockOf(shopper.page, 'Live Lamp')).toHaveText(`${before} left`);

  await addToCart(buyer.page, 'Live Lamp', 2);
  await checkOut(buyer.page);

  const after = `${before - 2} left`;
  await Promise.all(
    [buyer, second, third].map((shopper) => expect(stockOf(shopper.page, 'Live Lamp')).toHaveText(after, { timeout: 1_000 })),
  );
});

test('asking for more than is left is refused on that product card with how many remain', async ({ openShopper }) => {
  const { page } = await openShopper('Dee');
  const card = productCard(page, 'Spare Sock');
  await expect(stockOf(page, 'Spare Sock')).toHaveText('2 left');

  await card.getByLabel('Quantity').fill('5');
  await card.getByRole('button', { name: 'Add to cart' }).click();

  await expect(card.getByRole('alert')).toHaveText('Only 2 of Spare Sock left; your cart would need 5.');
  await expect(page.getByRole('region', { name: 'Your cart' })).toContainText('Your cart is empty');
});

test('the connection indicator says the tab is live', async ({ openShopper }) => {
  const { page } = await openShopper('Eve');
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Live');
});
