import type { BrowserContext, WebSocketRoute } from '@playwright/test';

/** Takes the server away from one tab's point of view, and gives it back: the shared server itself runs on. */
export interface ServerLink {
  /** Closes the tab's socket and refuses every reconnect until `up`. */
  down: () => void;
  up: () => void;
}

/**
 * Puts a switch between the tabs of `context` and the server. Only sockets opened afterwards pass
 * through it, so reload the page once this resolves.
 */
export async function routeThroughServerLink(context: BrowserContext): Promise<ServerLink> {
  let reachable = true;
  const open = new Set<WebSocketRoute>();
  await context.routeWebSocket(/\/ws$/, (route) => {
    if (!reachable) {
      void route.close({ code: 1001, reason: 'the server is down (e2e)' });
      return;
    }
    const server = route.connectToServer();
    open.add(route);
    route.onClose(() => {
      open.delete(route);
      void server.close();
    });
  });
  return {
    down: () => {
      reachable = false;
      for (const route of open) void route.close({ code: 1001, reason: 'the server is down (e2e)' });
    },
    up: () => {
      reachable = true;
    },
  };
}
