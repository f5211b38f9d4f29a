import type { Page } from '@playwright/test';
import {
  cart,
  cartLine,
  checkoutOutcome,
  expect,
  productCard,
  productForThisRun,
  stockOf,
  stockTextsSeen,
  test,
} from './support/store-page.ts';

const bellsInStock = 6;

/** Buys one bell at a time until the page shows them sold out; returns how many this tab bought. */
async function buyUntilSoldOut(page: Page, bell: string): Promise<number> {
  const card = productCard(page, bell);
  const addButton = card.getByRole('button', { name: 'Add to cart' });
  const refused = card.getByRole('alert');
  const soldOut = stockOf(page, bell).getByText('Sold out');
  let bought = 0;
  for (let attempt = 0; attempt <= bellsInStock; attempt += 1) {
    if (await soldOut.isVisible()) return bought;
    try {
      await addButton.click({ timeout: 2_000 });
    } catch (error) {
      // Sold out (so disabled) between the check and the click.
      if (await soldOut.isVisible()) return bought;
      throw error;
    }
    await expect(cartLine(page, bell).or(refused).or(soldOut).first()).toBeVisible();
    if ((await cartLine(page, bell).count()) === 0) {
      // Refused for want of stock: the broadcast that says so is on its way, if not already shown.
      await expect(soldOut).toBeVisible();
      return bought;
    }

    await cart(page).getByRole('button', { name: 'Review order' }).click();
    await page.getByRole('button', { name: 'Confirm order' }).click();
    if ((await checkoutOutcome(page)) === 'confirmed') {
      bought += 1;
      await page.getByRole('button', { name: 'Continue shopping' }).click();
    } else {
      await page.getByRole('button', { name: 'Update cart to what is left' }).click();
    }
    await expect(cart(page)).toContainText('Your cart is empty');
  }
  throw new Error(`${bell} never showed as sold out`);
}

test('no tab ever shows a negative or rising stock while shoppers buy the last units', async ({ openShopper }) => {
  const bell = productForThisRun('Burst Bell');
  const shoppers = await Promise.all([openShopper('Fay'), openShopper('Gus'), openShopper('Hal')]);
  for (const { page } of shoppers) await expect(stockOf(page, bell)).toHaveText(`${bellsInStock} left`);

  const bought = await Promise.all(shoppers.map(({ page }) => buyUntilSoldOut(page, bell)));

  expect(bought.reduce((sum, count) => sum + count, 0)).toBe(bellsInStock);
  for (const { page } of shoppers) {
    await expect(stockOf(page, bell)).toHaveText('Sold out');
    const seen = await stockTextsSeen(page);
    const texts = seen[bell] ?? [];
    expect(texts[0]).toBe(`${bellsInStock} left`);
    expect(texts.at(-1)).toBe('Sold out');
    for (const text of Object.values(seen).flat()) expect(text).toMatch(/^(?:[1-9]\d* left|Sold out)$/);
    const numbers = texts.map((text) => (text === 'Sold out' ? 0 : Number.parseInt(text, 10)));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  }
});
