import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { TallyLogger } from './logger.ts';
import type { TallyMetrics } from './metrics.ts';
import type { ReadinessProbe } from './readiness.ts';

export const healthPath = '/healthz';
export const readinessPath = '/readyz';
export const metricsPath = '/metrics';

const tallyVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface OperationsRoutesOptions {
  readiness: ReadinessProbe;
  metrics: TallyMetrics;
  logger: TallyLogger;
}

const noStore = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/**
 * Answers the operations paths itself (health, readiness, metrics) and hands every other request
 * to `next` (the web app), so an unknown path can never be mistaken for a healthy answer.
 */
export function withOperationsRoutes(options: OperationsRoutesOptions, next: RequestListener): RequestListener {
  const startedAt = performance.now();
  const routes: Record<string, (response: ServerResponse) => Promise<void> | void> = {
    [healthPath]: (response) => {
      const uptimeSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
      respondJson(response, 200, { status: 'ok', uptimeSeconds, version: tallyVersion });
    },
    [readinessPath]: async (response) => {
      const report = await options.readiness.check();
      respondJson(response, report.status === 'ready' ? 200 : 503, report);
    },
    [metricsPath]: async (response) => {
      const text = await options.metrics.exposition();
      response.writeHead(200, { ...noStore, 'Content-Type': options.metrics.contentType });
      response.end(text);
    },
  };
  return (request, response) => {
    const route = routes[pathOf(request)];
    if (route === undefined) return next(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...noStore, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Method Not Allowed');
      return;
    }
    Promise.resolve(route(response)).catch((error: unknown) => {
      options.logger.error({ err: error, path: pathOf(request) }, 'operations endpoint failed');
      if (!response.headersSent) respondJson(response, 500, { status: 'error' });
      else response.destroy();
    });
  };
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

function respondJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...noStore, 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
