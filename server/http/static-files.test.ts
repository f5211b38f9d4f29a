import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createStaticHandler } from './static-files.ts';

let root: string;
let server: Server;
let baseUrl: string;

/** A bundle-like script, large and repetitive enough to compress well. */
const bundle = Buffer.from(
  Array.from({ length: 2_000 }, (_, index) => `export const value${index} = ${(index * 7_919) % 1_000};\n`).join(''),
);
/** Random bytes in a type that is compressed already: never worth compressing again. */
const picture = Buffer.from(Array.from({ length: 4_096 }, (_, index) => (index * 2_654_435_761) >>> 24));

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request without fetch's automatic decompression, so the bytes on the wire can be checked. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Brotli is made in the background after the first request; until then a brotli client gets gzip. */
async function untilBrotli(path: string): Promise<RawResponse> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const response = await raw(path, { 'Accept-Encoding': 'gzip, deflate, br' });
    if (response.headers['content-encoding'] === 'br') return response;
    expect(response.headers['content-encoding']).toBe('gzip');
    await delay(25);
  }
  throw new Error(`${path} was never served with brotli`);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tally-static-'));
  mkdirSync(join(root, 'web', 'assets'), { recursive: true });
  writeFileSync(join(root, 'web', 'index.html'), '<!doctype html><title>Tally</title>');
  writeFileSync(join(root, 'web', 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(root, 'web', 'assets', 'bundle-5678.js'), bundle);
  writeFileSync(join(root, 'web', 'assets', 'picture-9abc.png'), picture);
  writeFileSync(join(root, 'secret.txt'), 'outside the web root');
  server = createServer(createStaticHandler(join(root, 'web')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('static files', () => {
  it('serves index.html with security headers and no caching', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Tally</title>');
  });

  it('lets the page connect only to its own origin (no ws: or wss: to any host)', async () => {
    const policy = (await fetch(`${baseUrl}/`)).headers.get('content-security-policy') ?? '';
    const connectSources = /connect-src ([^;]*)/.exec(policy)?.[1]?.trim().split(/\s+/);
    expect(connectSources).toEqual(["'self'"]);
  });

  it('lets a page of one process of several connect to every process it was told of, and nowhere else', () => {
    const policy = contentSecurityPolicy(['ws://127.0.0.1:9000/ws', 'wss://b.shop.example.com/ws']);
    expect(/connect-src ([^;]*)/.exec(policy)?.[1]?.trim().split(/\s+/)).toEqual(["'self'", 'ws://127.0.0.1:9000/ws', 'wss://b.shop.example.com/ws']);
    expect(policy).toContain("default-src 'self'");
  });

  it('caches hashed assets for a year', async () => {
    const response = await fetch(`${baseUrl}/assets/app-1234.js`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('answers client-side routes with the app', async () => {
    expect(await (await fetch(`${baseUrl}/bank/accounts`)).text()).toContain('<title>Tally</title>');
  });

  it('never serves a file outside the web root', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const body = await (await fetch(`${baseUrl}${path}`)).text();
      expect(body).not.toContain('outside the web root');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await fetch(`${baseUrl}/`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
  });

  it('says how to build the app when it is missing', async () => {
    const bare = createServer(createStaticHandler(join(root, 'missing')));
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build');
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});

describe('static file compression', () => {
  it('serves brotli to a client that accepts it, and it decompresses to the original', async () => {
    const response = await untilBrotli('/assets/bundle-5678.js');
    expect(response.status).toBe(200);
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(response.body.length).toBeLessThan(bundle.length / 4);
    expect(brotliDecompressSync(response.body).equals(bundle)).toBe(true);
  });

  it('serves gzip to a client without brotli, and it decompresses to the original', async () => {
    const response = await raw('/assets/bundle-5678.js', { 'Accept-Encoding': 'gzip, deflate' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(gunzipSync(response.body).equals(bundle)).toBe(true);
  });

  it('serves the bytes as they are when no encoding we have is accepted', async () => {
    for (const accept of [undefined, 'identity', 'deflate', 'br;q=0, gzip;q=0']) {
      const response = await raw('/assets/bundle-5678.js', accept === undefined ? {} : { 'Accept-Encoding': accept });
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers.vary).toBe('Accept-Encoding');
      expect(Number(response.headers['content-length'])).toBe(bundle.length);
      expect(response.body.equals(bundle)).toBe(true);
    }
  });

  it('does not compress small files or types that are compressed already', async () => {
    for (const [path, original] of [
      ['/assets/app-1234.js', Buffer.from('console.log(1)')],
      ['/assets/picture-9abc.png', picture],
    ] as const) {
      const response = await raw(path, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers.vary).toBeUndefined();
      expect(response.body.equals(original)).toBe(true);
    }
  });

  it('gives each encoding its own ETag and answers HEAD with the headers of GET', async () => {
    const brotli = await untilBrotli('/assets/bundle-5678.js');
    const gzip = await raw('/assets/bundle-5678.js', { 'Accept-Encoding': 'gzip' });
    const identity = await raw('/assets/bundle-5678.js');
    expect(new Set([brotli.headers.etag, gzip.headers.etag, identity.headers.etag]).size).toBe(3);
    const head = await raw('/assets/bundle-5678.js', { 'Accept-Encoding': 'gzip, deflate, br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(brotli.headers['content-length']);
    expect(head.headers.etag).toBe(brotli.headers.etag);
  });
});

describe('static file caching', () => {
  it('caches hashed assets for a year, immutable', async () => {
    const response = await raw('/assets/bundle-5678.js', { 'Accept-Encoding': 'gzip' });
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('revalidates index.html by ETag: 304 with no body when it has not changed', async () => {
    const first = await raw('/');
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);
    for (const ifNoneMatch of [etag!, `W/${etag!}`, `"other", ${etag!}`, '*']) {
      const again = await raw('/', { 'If-None-Match': ifNoneMatch });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('no-cache');
    }
    const client = await raw('/bank/accounts', { 'If-None-Match': etag! });
    expect(client.status).toBe(304);
    const stale = await raw('/', { 'If-None-Match': '"something-else"' });
    expect(stale.status).toBe(200);
    expect(stale.body.toString()).toContain('<title>Tally</title>');
  });

  it('serves a rebuilt index.html with a new ETag, not the copy in memory', async () => {
    const before = await raw('/');
    writeFileSync(join(root, 'web', 'index.html'), '<!doctype html><title>Tally, rebuilt</title>');
    try {
      const after = await raw('/', { 'If-None-Match': before.headers.etag! });
      expect(after.status).toBe(200);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.body.toString()).toContain('Tally, rebuilt');
    } finally {
      writeFileSync(join(root, 'web', 'index.html'), '<!doctype html><title>Tally</title>');
    }
  });

  it('answers a missing hashed asset with 404, not with the app', async () => {
    const response = await raw('/assets/app-0000.js');
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain('<title>');
  });
});
