import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import seed from '../../../../server/store/catalog-seed.json' with { type: 'json' };
import e2eCatalog from '../../../../e2e/catalog.json' with { type: 'json' };
import { productDrawings } from './product-drawings.tsx';
import { productKindFor, productKinds } from './product-kinds.ts';
import { ProductPicture } from './ProductPicture.tsx';

describe('product pictures', () => {
  it('gives every seeded product its own drawing, never the parcel', () => {
    const kinds = seed.products.map((product) => productKindFor(product.name));
    expect(kinds).not.toContain('parcel');
    expect(new Set(kinds).size).toBe(seed.products.length);
  });

  it('has a drawing for every kind', () => {
    expect(Object.keys(productDrawings).sort()).toEqual([...productKinds].sort());
  });

  it('recognises a telling word in an unseen name, and falls back to a parcel otherwise', () => {
    expect(productKindFor('Decaf Coffee Beans')).toBe('beans');
    expect(productKindFor('  ENAMEL MUG ')).toBe('mug');
    expect(productKindFor('Milk Jug')).toBe('frother');
    expect(productKindFor('Live Lamp')).toBe('parcel');
    expect(productKindFor('')).toBe('parcel');
    expect(productKindFor('Beanstalk')).toBe('parcel');
    for (const product of e2eCatalog.products) expect(productKindFor(product.name)).toBe('parcel');
  });

  it('renders a decorative SVG with no text for a screen reader or an emoji font', () => {
    const markup = renderToStaticMarkup(createElement(ProductPicture, { name: 'Ceramic Mug' }));
    expect(markup).toMatch(/^<svg [^>]*aria-hidden="true"/);
    expect(markup).toContain('data-kind="mug"');
    expect(markup).not.toMatch(/<text|<title|>[^<]+</);
  });
});
