import { expect, test as base, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

/**
 * How the e2e tests see the store: by role and accessible name only, as a shopper using a screen
 * reader would. Each shopper is its own browser context (its own sessionStorage), so its own tab.
 */
export interface Shopper {
  name: string;
  context: BrowserContext;
  page: Page;
}

/** Products sold out by a test exist once per repetition (`--repeat-each`), see e2e/catalog.json. */
export const productCopiesPerTest = 5;

export function productForThisRun(baseName: string): string {
  const run = test.info().repeatEachIndex + 1;
  if (run > productCopiesPerTest) {
    throw new Error(`e2e/catalog.json has ${productCopiesPerTest} copies of "${baseName}"; add more to repeat ${run} times`);
  }
  return `${baseName} ${run}`;
}

export function productCard(page: Page, product: string): Locator {
  return page.getByRole('article', { name: product, exact: true });
}

export function stockOf(page: Page, product: string): Locator {
  return productCard(page, product).getByRole('status', { name: 'Stock' });
}

export function cart(page: Page): Locator {
  return page.getByRole('region', { name: 'Your cart' });
}

export function cartLine(page: Page, product: string): Locator {
  return cart(page).getByRole('listitem', { name: product, exact: true });
}

export function orderConfirmation(page: Page): Locator {
  return page.getByRole('heading', { name: /^Order #\d+ confirmed$/ });
}

export function conflictAlert(page: Page): Locator {
  return page.getByRole('alert').filter({ hasText: 'Another shopper bought some of these items first.' });
}

export function orderHistory(page: Page): Locator {
  return page.getByRole('region', { name: 'Your orders' });
}

/** "12 left" -> 12, "Sold out" -> 0. */
export async function readStock(page: Page, product: string): Promise<number> {
  const text = (await stockOf(page, product).textContent()) ?? '';
  if (text === 'Sold out') return 0;
  const match = /^(\d+) left$/.exec(text);
  if (match === null) throw new Error(`unexpected stock text "${text}" for ${product}`);
  return Number(match[1]);
}

export async function startSession(page: Page, name: string, address: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Address').fill(address);
  await page.getByRole('button', { name: 'Start shopping' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${name}` })).toBeVisible();
}

export function cartQuantity(page: Page, product: string): Locator {
  return cartLine(page, product).getByRole('status', { name: `Quantity of ${product}` });
}

/** Adds to the cart and waits until the cart shows the new quantity. */
export async function addToCart(page: Page, product: string, quantity: number): Promise<void> {
  const before = (await cartLine(page, product).count()) === 0 ? 0 : Number(await cartQuantity(page, product).textContent());
  const card = productCard(page, product);
  await card.getByLabel('Quantity').fill(String(quantity));
  await card.getByRole('button', { name: 'Add to cart' }).click();
  await expect(cartQuantity(page, product)).toHaveText(String(before + quantity));
}

/** Review the cart and confirm; returns the order number. */
export async function checkOut(page: Page): Promise<number> {
  await cart(page).getByRole('button', { name: 'Review order' }).click();
  await page.getByRole('button', { name: 'Confirm order' }).click();
  const heading = orderConfirmation(page);
  await expect(heading).toBeVisible();
  const match = /^Order #(\d+) confirmed$/.exec((await heading.textContent()) ?? '');
  if (match === null) throw new Error('the confirmation heading has no order number');
  return Number(match[1]);
}

/** After Confirm: whichever outcome the page shows. */
export async function checkoutOutcome(page: Page): Promise<'confirmed' | 'conflict'> {
  await expect(orderConfirmation(page).or(conflictAlert(page))).toBeVisible();
  return (await orderConfirmation(page).isVisible()) ? 'confirmed' : 'conflict';
}

interface StoreFixtures {
  /** Opens a new tab as a new shopper who has given a name and address. */
  openShopper: (name: string) => Promise<Shopper>;
}

export const test = base.extend<StoreFixtures>({
  openShopper: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (name) => {
      const context = await newStoreContext(browser, baseURL);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto('/');
      await startSession(page, name, `${name}'s house, 1 Test Lane`);
      return { name, context, page };
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

async function newStoreContext(browser: Browser, baseURL: string | undefined): Promise<BrowserContext> {
  const context = await browser.newContext(baseURL === undefined ? {} : { baseURL });
  await context.addInitScript(recordStockTexts);
  return context;
}

/** What recordStockTexts leaves on `window`: every distinct stock text each product showed, in order. */
export type StockTextsSeen = Record<string, string[]>;

/**
 * Runs in the page before the app: a MutationObserver that records each product's stock text every
 * time it changes, so a test can check afterwards that no tab ever showed a negative or rising stock.
 */
function recordStockTexts(): void {
  const seen: Record<string, string[]> = {};
  (window as unknown as { tallyStockTextsSeen: StockTextsSeen }).tallyStockTextsSeen = seen;
  const record = () => {
    for (const element of document.querySelectorAll('[role="status"][aria-label="Stock"]')) {
      const product = element.closest('article')?.querySelector('h3')?.textContent ?? '?';
      const text = element.textContent ?? '';
      const history = (seen[product] ??= []);
      if (history[history.length - 1] !== text) history.push(text);
    }
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
}

export async function stockTextsSeen(page: Page): Promise<StockTextsSeen> {
  return page.evaluate(() => (window as unknown as { tallyStockTextsSeen: StockTextsSeen }).tallyStockTextsSeen);
}

export { expect };
