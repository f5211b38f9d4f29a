/** The SPA's pages, as hash routes: `#/store` (the default), `#/bank`, `#/audit`. */
export type Route = 'store' | 'bank' | 'audit';

export const routeHashes: Readonly<Record<Route, string>> = {
  store: '#/store',
  bank: '#/bank',
  audit: '#/audit',
};

/** Anything unknown (including no hash at all) is the store. */
export function routeFromHash(hash: string): Route {
  switch (hash.replace(/\/+$/, '')) {
    case '#/bank':
      return 'bank';
    case '#/audit':
      return 'audit';
    default:
      return 'store';
  }
}
