import { useSyncExternalStore } from 'react';
import { routeFromHash, type Route } from './routes.ts';

function windowOnHashChange(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** The page the location's hash names; re-renders when the hash changes (links, back, forward). */
export function useRoute(): Route {
  const hash = useSyncExternalStore(windowOnHashChange, () => window.location.hash);
  return routeFromHash(hash);
}
