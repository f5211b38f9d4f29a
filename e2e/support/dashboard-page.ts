import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';

/** The e2e catalog, whose order is the products' ids (1, 2, ...). */
const catalog = JSON.parse(readFileSync(new URL('../catalog.json', import.meta.url), 'utf8')) as { products: Array<{ name: string }> };

export function productIdOf(name: string): number {
  const index = catalog.products.findIndex((product) => product.name === name);
  if (index < 0) throw new Error(`e2e/catalog.json has no product "${name}"`);
  return index + 1;
}

export function dashboardStock(page: Page, productName: string): Locator {
  return page.getByTestId(`dashboard-stock-${productIdOf(productName)}`);
}

export function racesLost(page: Page, productName: string): Locator {
  return page.getByTestId(`races-lost-${productIdOf(productName)}`);
}

export function tape(page: Page): Locator {
  return page.getByTestId('dashboard-tape');
}

/** Every console error and uncaught exception of a page, to assert there were none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/**
 * Scrolls the whole dashboard through the viewport and back, so every chart has been in view and
 * drawn (charts out of sight are not redrawn): for a full-page screenshot that shows them current.
 */
export async function drawEveryChart(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const nextFrames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    for (let top = 0; top < document.documentElement.scrollHeight; top += window.innerHeight) {
      window.scrollTo(0, top);
      await nextFrames();
    }
    window.scrollTo(0, 0);
    // Chart work is spread over frames (a few charts each): let the last of it run.
    for (let frame = 0; frame < 10; frame += 1) await nextFrames();
  });
}
