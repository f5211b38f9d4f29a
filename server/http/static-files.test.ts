import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from './static-files.ts';

let root: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tally-static-'));
  mkdirSync(join(root, 'web', 'assets'), { recursive: true });
  writeFileSync(join(root, 'web', 'index.html'), '<!doctype html><title>Tally</title>');
  writeFileSync(join(root, 'web', 'assets', 'app-1234.js'), 'console.log(1)');
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
