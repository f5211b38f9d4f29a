import {
  addToCart,
  cart,
  checkoutOutcome,
  conflictAlert,
  expect,
  productCard,
  productForThisRun,
  stockOf,
  test,
} from './support/store-page.ts';

test('two tabs race for the last unit: exactly one wins, the other is told what is left', async ({ openShopper }) => {
  const lantern = productForThisRun('Race Lantern');
  const [alice, bob, watcher] = await Promise.all([openShopper('Alice'), openShopper('Bob'), openShopper('Wes')]);
  const racers = [alice, bob];
  for (const { page } of racers) {
    await expect(stockOf(page, lantern)).toHaveText('1 left');
    await addToCart(page, lantern, 1);
    await cart(page).getByRole('button', { name: 'Review order' }).click();
    await expect(page.getByRole('button', { name: 'Confirm order' })).toBeEnabled();
    // Each step puts focus on its own heading, not back on the page.
    await expect(page.getByRole('heading', { name: 'Review your order' })).toBeFocused();
  }

  await Promise.all(racers.map(({ page }) => page.getByRole('button', { name: 'Confirm order' }).click()));
  const outcomes = await Promise.all(racers.map(({ page }) => checkoutOutcome(page)));

  expect([...outcomes].sort()).toEqual(['confirmed', 'conflict']);
  const winner = racers[outcomes.indexOf('confirmed')]!;
  const loser = racers[outcomes.indexOf('conflict')]!;
  await expect(winner.page.getByRole('heading', { name: /^Order #\d+ confirmed$/ })).toBeFocused();
  await expect(conflictAlert(loser.page)).toBeVisible();
  await expect(loser.page.getByRole('heading', { name: 'Your order was not placed' })).toBeFocused();
  const shortLine = loser.page.getByRole('table', { name: 'Items no longer available' }).getByRole('row', { name: lantern });
  await expect(shortLine.getByRole('cell')).toHaveText(['1', '0']);

  for (const { page } of [alice, bob, watcher]) {
    await expect(stockOf(page, lantern)).toHaveText('Sold out');
    await expect(productCard(page, lantern).getByRole('button', { name: 'Add to cart' })).toBeDisabled();
  }

  await loser.page.getByRole('button', { name: 'Update cart to what is left' }).click();
  await expect(cart(loser.page)).toContainText('Your cart is empty');
  // The cart says what it took out and why, rather than emptying in silence.
  await expect(cart(loser.page).getByRole('status')).toContainText(`${lantern} removed: sold out`);
  await expect(loser.page.getByRole('heading', { name: 'Your cart' })).toBeFocused();
});
