import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { priceCentsMax } from '../../shared/limits.ts';
import type { NewProduct } from './store-repository.ts';

/** Products a seed file may hold. */
export const catalogProductsMax = 1_000;
/** Units of one product a seed file may stock. */
export const seedStockMax = 1_000_000;

const CatalogSeedFile = z.strictObject({
  products: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(80),
        description: z.string().max(300),
        emoji: z.string().max(16),
        priceCents: z.int().min(0).max(priceCentsMax),
        stock: z.int().min(0).max(seedStockMax),
      }),
    )
    .min(1)
    .max(catalogProductsMax),
});

/** Reads and checks a catalog seed file; a bad file stops the server with the reason. */
export function readCatalogSeed(path: string): NewProduct[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the catalog seed ${path}: ${(error as Error).message}`);
  }
  const parsed = CatalogSeedFile.safeParse(raw);
  if (!parsed.success) throw new Error(`the catalog seed ${path} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.products;
}
