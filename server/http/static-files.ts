import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

/** Longest request path served; anything longer is refused before touching the disk. */
const requestPathLengthMax = 1024;

/**
 * Serves the built SPA from `webRoot`: files by path, hashed assets cached for a year,
 * and index.html for any other GET so client-side routes work. Never leaves `webRoot`.
 */
export function createStaticHandler(webRoot: string) {
  const root = normalize(webRoot + sep);
  return async function serveStatic(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      respond(response, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const url = request.url ?? '/';
    if (url.length > requestPathLengthMax) {
      respond(response, 414, 'URI Too Long');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(url, 'http://localhost').pathname);
    } catch {
      respond(response, 400, 'Bad Request');
      return;
    }
    const candidate = normalize(join(root, pathname));
    if (!candidate.startsWith(root) || pathname.includes('\0')) {
      respond(response, 404, 'Not Found');
      return;
    }
    const file = (await regularFile(candidate)) ? candidate : join(root, 'index.html');
    if (!(await regularFile(file))) {
      respond(response, 503, 'The web app is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    const isHashedAsset = file.includes(`${sep}assets${sep}`);
    response.writeHead(200, {
      ...securityHeaders,
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(file).pipe(response);
  };
}

async function regularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function respond(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}
