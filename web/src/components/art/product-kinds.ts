/**
 * Which drawing a product gets, chosen from its name: the catalog's own products by name, other
 * names by a telling word in them, and anything else a plain parcel. Pure, so it is tested alone.
 */
export const productKinds = [
  'beans',
  'kettle',
  'mug',
  'grinder',
  'filters',
  'scale',
  'frother',
  'cold-brew-jar',
  'tumbler',
  'notebook',
  'geisha',
  'apron',
  'parcel',
] as const;

export type ProductKind = (typeof productKinds)[number];

/** The first pattern that matches the lower-cased name wins, so the more specific ones come first. */
const kindPatterns: readonly (readonly [RegExp, ProductKind])[] = [
  [/\bgeisha\b/, 'geisha'],
  [/\bcold brew\b|\bjar\b/, 'cold-brew-jar'],
  [/\bfrother\b|\bmilk\b/, 'frother'],
  [/\bkettle\b/, 'kettle'],
  [/\bgrinder\b/, 'grinder'],
  [/\bfilters?\b/, 'filters'],
  [/\bscale\b/, 'scale'],
  [/\btumbler\b|\bflask\b|\bbottle\b/, 'tumbler'],
  [/\bmug\b|\bcup\b/, 'mug'],
  [/\bnotebook\b|\bjournal\b/, 'notebook'],
  [/\bapron\b/, 'apron'],
  [/\bbeans?\b|\bcoffee\b|\broast\b/, 'beans'],
];

export function productKindFor(name: string): ProductKind {
  const text = name.trim().toLowerCase();
  for (const [pattern, kind] of kindPatterns) {
    if (pattern.test(text)) return kind;
  }
  return 'parcel';
}
