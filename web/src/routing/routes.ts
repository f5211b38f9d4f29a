/** The SPA's pages, as hash routes: `#/store` (the default), `#/bank`, `#/audit`, `#/dashboard`. */
export type Route = 'store' | 'bank' | 'audit' | 'dashboard';

export const routeHashes: Readonly<Record<Route, string>> = {
  store: '#/store',
  bank: '#/bank',
  audit: '#/audit',
  dashboard: '#/dashboard',
};

/** Anything unknown (including no hash at all) is the store. */
export function routeFromHash(hash: string): Route {
  switch (hash.replace(/\/+$/, '')) {
    case '#/bank':
      return 'bank';
    case '#/audit':
      return 'audit';
    case '#/dashboard':
      return 'dashboard';
    default:
      return 'store';
  }
}
