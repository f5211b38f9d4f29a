import { type MouseEvent, useSyncExternalStore } from 'react';
import { routeFromHash, type Route } from './routes.ts';

/** Whoever renders the route, told when the hash changes (links, back, forward, typed). */
const routeListeners = new Set<() => void>();

function windowOnHashChange(listener: () => void): () => void {
  routeListeners.add(listener);
  window.addEventListener('hashchange', listener);
  return () => {
    routeListeners.delete(listener);
    window.removeEventListener('hashchange', listener);
  };
}

/** The page the location's hash names; re-renders when the hash changes (links, back, forward). */
export function useRoute(): Route {
  const hash = useSyncExternalStore(windowOnHashChange, () => window.location.hash);
  return routeFromHash(hash);
}

/**
 * A plain click on an in-app link: the hash changes and the new page renders within the click,
 * rather than in a later `hashchange` task queued behind whatever the network delivered meanwhile.
 * Clicks meant for a new tab or window (modifier keys, other buttons) keep the browser's default.
 */
export function followRouteLink(event: MouseEvent<HTMLAnchorElement>, hash: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  if (window.location.hash === hash) return;
  window.location.hash = hash;
  for (const listener of routeListeners) listener();
}
