/** The operations endpoints of a real server: health, readiness, and metrics that move with real traffic. */
import { describe, expect, it } from 'vitest';
import { openAccount, registerUser, signInAuditor } from '../support/bank-fixtures.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { product, startTestServer } from '../support/test-server.ts';
import { loopbackLoadTestLimits } from '../../shared/limits.ts';

const fixture = useTestServer();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments left out). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1]!, label[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;
}

async function scrape(url: string): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, samples: parseExposition(text) };
}

describe('operations endpoints', () => {
  it('answers /healthz and /readyz itself with JSON, not with the web app', async () => {
    const server = await fixture.start();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await health.json()).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number), version: expect.any(String) });

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as { status: string; checks: { database: { ok: boolean; commitSeq: number } } };
    expect(report).toMatchObject({ status: 'ready', failing: [], checks: { database: { ok: true }, gateway: { ok: true } } });
    // The probe really committed: its row holds the commit the report names.
    const [row] = await server.query<{ commitSeq: number }>('SELECT commit_seq AS "commitSeq" FROM health_probe');
    expect(row?.commitSeq).toBe(report.checks.database.commitSeq);
  });

  it('counts connections by role, requests by type and outcome, commits, syncs, replies and fan-out', async () => {
    const server = await fixture.start([product('Lamp', 5, 2_500)]);
    const before = (await scrape(server.url)).samples;
    expect(valueOf(before, 'tally_commit_batch_operations_count')).toBeGreaterThan(0); // the catalog seed
    expect(valueOf(before, 'tally_requests_total')).toBeUndefined();

    const [anonymous, shopper] = await fixture.connect(2);
    const customer = await registerUser(server.webSocketUrl, 'metered');
    const auditor = await signInAuditor(server.webSocketUrl);
    fixture.track(customer.client, auditor);
    await shopper!.startShopper();
    await shopper!.expectResult('cart.add', { productId: 1, quantity: 2 });
    await shopper!.expectResult('checkout', { expectedTotalCents: 5_000 });
    const from = await openAccount(customer.client, 'checking', 10_000);
    const to = await openAccount(customer.client, 'savings', 1);
    await customer.client.expectResult('bank.transfer', { fromAccountNumber: from.number, toAccountNumber: to.number, amountCents: 1_000 });
    const refused = await customer.client.request('bank.transfer', { fromAccountNumber: from.number, toAccountNumber: to.number, amountCents: 1_000_000 });
    expect(refused.ok).toBe(false);
    await anonymous!.sendRaw('{not json');
    await expect.poll(() => anonymous!.products.get(1)?.stock).toBe(3);

    const { text, samples } = await scrape(server.url);
    expect(text).toContain('# TYPE tally_connections gauge');
    expect(text).toContain('# TYPE tally_commit_sync_duration_seconds histogram');
    for (const [role, count] of Object.entries({ anonymous: 1, shopper: 1, customer: 1, auditor: 1 })) {
      expect(valueOf(samples, 'tally_connections', { role }), role).toBe(count);
    }
    expect(valueOf(samples, 'tally_requests_total', { type: 'checkout', outcome: 'ok' })).toBe(1);
    expect(valueOf(samples, 'tally_requests_total', { type: 'bank.transfer', outcome: 'ok' })).toBe(1);
    expect(valueOf(samples, 'tally_requests_total', { type: 'bank.transfer', outcome: 'insufficient_funds' })).toBe(1);
    expect(valueOf(samples, 'tally_requests_total', { type: 'invalid', outcome: 'malformed_json' })).toBe(1);
    const requests = samples.filter((sample) => sample.name === 'tally_requests_total').reduce((sum, sample) => sum + sample.value, 0);
    expect(valueOf(samples, 'tally_request_duration_seconds_count')).toBe(requests);

    // At least: checkout, cart.add, session.start, register, two openings, the transfer and the refused one.
    const commits = valueOf(samples, 'tally_commit_batch_operations_count')! - valueOf(before, 'tally_commit_batch_operations_count')!;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'tally_commit_batch_operations_sum')! - valueOf(before, 'tally_commit_batch_operations_sum')!).toBeGreaterThanOrEqual(8);
    expect(valueOf(samples, 'tally_commit_sync_duration_seconds_count')).toBeGreaterThan(valueOf(before, 'tally_commit_sync_duration_seconds_count')!);
    expect(valueOf(samples, 'tally_commit_sync_duration_seconds_bucket', { le: '+Inf' })).toBe(valueOf(samples, 'tally_commit_sync_duration_seconds_count'));
    expect(valueOf(samples, 'tally_commit_sync_failures_total')).toBe(0);

    // The checkout's stock change alone reached all four tabs.
    const frames = valueOf(samples, 'tally_fanout_frames_total')!;
    expect(frames).toBeGreaterThanOrEqual(4);
    expect(valueOf(samples, 'tally_fanout_bytes_total')).toBeGreaterThan(frames * 20);
    expect(valueOf(samples, 'tally_slow_client_conflations_total')).toBe(0);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('counts rate-limit refusals by the limit that refused them', async () => {
    const server = await fixture.start(undefined, { limits: { ...loopbackLoadTestLimits, requestsPerConnectionMax: 3, requestsPerConnectionWindowMs: 60_000 } });
    const [client] = await fixture.connect(1);
    const replies = await Promise.all(Array.from({ length: 5 }, () => client!.request('ping', {})));
    expect(replies.filter((reply) => !reply.ok).map((reply) => (reply.ok ? null : reply.error.code))).toEqual(['rate_limited', 'rate_limited']);
    const { samples } = await scrape(server.url);
    expect(valueOf(samples, 'tally_rate_limit_refusals_total', { limit: 'requestsPerConnection' })).toBe(2);
    expect(valueOf(samples, 'tally_requests_total', { type: 'ping', outcome: 'rate_limited' })).toBe(2);
    expect(valueOf(samples, 'tally_requests_total', { type: 'ping', outcome: 'ok' })).toBe(3);
  });

  it('keeps each server’s metrics its own, though they share a process', async () => {
    const busy = await fixture.start();
    const [client] = await fixture.connect(1);
    await client!.startShopper();
    const quiet = await startTestServer();
    try {
      const quietSamples = (await scrape(quiet.url)).samples;
      expect(valueOf(quietSamples, 'tally_requests_total')).toBeUndefined();
      expect(valueOf(quietSamples, 'tally_connections', { role: 'shopper' })).toBe(0);
      const busySamples = (await scrape(busy.url)).samples;
      expect(valueOf(busySamples, 'tally_requests_total', { type: 'session.start', outcome: 'ok' })).toBe(1);
      expect(valueOf(busySamples, 'tally_connections', { role: 'shopper' })).toBe(1);
    } finally {
      await quiet.dispose();
    }
  });
});

