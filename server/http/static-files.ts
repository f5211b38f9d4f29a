import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { chooseEncoding, type ContentEncoding } from './content-encoding.ts';
import { cachedFileBytesMax, EncodedFileCache, type EncodedFile } from './encoded-file-cache.ts';

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
};

/**
 * The page may connect to its own origin and, when this server is one of several processes, to the
 * others' WebSocket addresses (a tab moves there when its own process dies); nowhere else.
 */
export function contentSecurityPolicy(endpoints: readonly string[]): string {
  const connectSources = ["'self'", ...endpoints].join(' ');
  return `default-src 'self'; connect-src ${connectSources}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'`;
}

/** Vite names everything under assets/ by content hash, so a URL there never changes meaning. */
const hashedAssetCacheControl = 'public, max-age=31536000, immutable';
/** index.html (and anything else unhashed) is revalidated on every load, cheaply, by its ETag. */
const revalidateCacheControl = 'no-cache';

/** Longest request path served; anything longer is refused before touching the disk. */
const requestPathLengthMax = 1024;

interface Found {
  readonly path: string;
  readonly stats: Stats;
  readonly headers: { readonly 'Content-Type': string; readonly 'Cache-Control': string };
}

/**
 * Serves the built SPA from `webRoot`: files by path, compressed once and kept in memory, hashed
 * assets cached for a year, and index.html for any other GET so client-side routes work. A missing
 * hashed asset is a 404, not the app. Never leaves `webRoot`.
 */
export function createStaticHandler(webRoot: string, endpoints: readonly string[] = []) {
  const root = normalize(webRoot + sep);
  const assetsRoot = join(root, 'assets') + sep;
  const cache = new EncodedFileCache();
  const policy = contentSecurityPolicy(endpoints);
  return async function serveStatic(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('Content-Security-Policy', policy);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      respond(response, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const candidate = resolveCandidate(root, request.url ?? '/');
    if (typeof candidate === 'number') {
      respond(response, candidate, refusalTexts[candidate]);
      return;
    }
    const found = await findFile(candidate, root, assetsRoot);
    if (found === 'not-found') {
      respond(response, 404, 'Not Found');
      return;
    }
    if (found === 'not-built') {
      respond(response, 503, 'The web app is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    if (found.stats.size > cachedFileBytesMax) {
      streamUnencoded(request, response, found);
      return;
    }
    let file: EncodedFile;
    try {
      file = await cache.get(found.path, found.stats);
    } catch {
      respond(response, 404, 'Not Found'); // Removed between stat and read: a rebuild is under way.
      return;
    }
    sendEncoded(request, response, file, found);
  };
}

const refusalTexts = { 400: 'Bad Request', 404: 'Not Found', 414: 'URI Too Long' } as const;

/** The file a URL names inside `root`, or the status to refuse it with. */
function resolveCandidate(root: string, url: string): string | keyof typeof refusalTexts {
  if (url.length > requestPathLengthMax) return 414;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return 400;
  }
  const candidate = normalize(join(root, pathname));
  if (!candidate.startsWith(root) || pathname.includes('\0')) return 404;
  return candidate;
}

/** The candidate if it is a file, else index.html (client-side routes), except under assets/. */
async function findFile(candidate: string, root: string, assetsRoot: string): Promise<Found | 'not-found' | 'not-built'> {
  const isHashedAsset = candidate.startsWith(assetsRoot);
  const stats = await regularFileStats(candidate);
  if (stats !== null) return describe(candidate, stats, isHashedAsset);
  if (isHashedAsset) return 'not-found';
  const indexPath = join(root, 'index.html');
  const indexStats = await regularFileStats(indexPath);
  return indexStats === null ? 'not-built' : describe(indexPath, indexStats, false);
}

function describe(path: string, stats: Stats, isHashedAsset: boolean): Found {
  return {
    path,
    stats,
    headers: {
      'Content-Type': contentTypes[extname(path)] ?? 'application/octet-stream',
      'Cache-Control': isHashedAsset ? hashedAssetCacheControl : revalidateCacheControl,
    },
  };
}

function sendEncoded(request: IncomingMessage, response: ServerResponse, file: EncodedFile, found: Found): void {
  const [encoding, body] = representation(file, request.headers['accept-encoding']);
  const etag = encoding === 'identity' ? `"${file.contentHash}"` : `"${file.contentHash}-${encoding}"`;
  const headers = {
    ...securityHeaders,
    'Cache-Control': found.headers['Cache-Control'],
    ETag: etag,
    ...(file.compressible ? { Vary: 'Accept-Encoding' } : {}),
  };
  if (etagListMatches(request.headers['if-none-match'], etag)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, {
    ...headers,
    'Content-Type': found.headers['Content-Type'],
    'Content-Length': body.length,
    ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function representation(file: EncodedFile, acceptEncoding: string | undefined): [ContentEncoding, Buffer] {
  if (!file.compressible) return ['identity', file.identity];
  const encoding = chooseEncoding(acceptEncoding, { br: file.br !== null, gzip: file.gzip !== null });
  if (encoding === 'br' && file.br !== null) return ['br', file.br];
  if (encoding === 'gzip' && file.gzip !== null) return ['gzip', file.gzip];
  return ['identity', file.identity];
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a `W/` prefix does not matter. */
function etagListMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** A file too large to keep in memory goes out as it is on disk, without ETag or compression. */
function streamUnencoded(request: IncomingMessage, response: ServerResponse, found: Found): void {
  response.writeHead(200, { ...securityHeaders, ...found.headers, 'Content-Length': found.stats.size });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(found.path)
    .on('error', () => response.destroy())
    .pipe(response);
}

async function regularFileStats(path: string): Promise<Stats | null> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}

function respond(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}
