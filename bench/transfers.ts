/**
 * Transfers per second with N concurrent clients, each a signed-in user moving money from its
 * own checking account to a random other user's, against a real server on a real database file.
 *
 *   npx tsx bench/transfers.ts [--clients 64] [--seconds 10]
 *
 * Prints throughput, latency percentiles, commits, and checks the ledger afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTallyServer } from '../server/app.ts';
import { silentLogger } from '../server/observability/logger.ts';
import type { ProtocolClient } from '../shared/client/protocol-client.ts';
import { openLeanClient } from './lean-client.ts';
import { loopbackLoadTestLimits } from '../shared/limits.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '64' }, seconds: { type: 'string', default: '10' } } });
const clientCount = Number(values.clients);
const durationMs = Number(values.seconds) * 1000;
const openingDepositCents = 100_000_000;

const directory = mkdtempSync(join(tmpdir(), 'tally-bench-'));
const catalogPath = join(directory, 'catalog.json');
writeFileSync(catalogPath, JSON.stringify({ products: [{ name: 'Bench', description: '', emoji: '', priceCents: 1, stock: 1 }] }));
const server = await startTallyServer({
  host: '127.0.0.1',
  port: 0,
  databasePath: join(directory, 'bench.sqlite'),
  catalogPath,
  webRoot: directory,
  auditorPassword: 'bench-auditor-password',
  limits: loopbackLoadTestLimits,
  logger: silentLogger(),
});

/** The one protocol client, lean (bench/lean-client.ts): the customers skip broadcasts, the auditor reads them to count commits. */
const connect = (readBroadcasts: boolean): Promise<ProtocolClient> => openLeanClient(server.webSocketUrl, { readBroadcasts });

const clients: Array<{ client: ProtocolClient; account: string }> = [];
for (let index = 0; index < clientCount; index += 1) {
  const client = await connect(false);
  await client.expectResult('auth.register', { username: `bench${index}`, password: 'bench-password' });
  const { accounts } = await client.expectResult('bank.openAccount', { kind: 'checking', amountCents: openingDepositCents });
  clients.push({ client, account: accounts[0]!.number });
}
// The auditor watches every commit live, as an auditor's tab would: the fan-out is part of the cost.
const auditor = await connect(true);
await auditor.expectResult('auth.signIn', { username: 'auditor', password: 'bench-auditor-password' });

const latenciesMs: number[] = [];
let ok = 0;
let failed = 0;
const seqBefore = auditor.syncPosition!.seq;
const started = performance.now();
const deadline = started + durationMs;
await Promise.all(
  clients.map(async ({ client, account }, index) => {
    while (performance.now() < deadline) {
      const target = clients[(index + 1 + Math.floor(Math.random() * (clientCount - 1))) % clientCount]!.account;
      const sent = performance.now();
      const reply = await client.request('bank.transfer', { fromAccountNumber: account, toAccountNumber: target, amountCents: 1 + Math.floor(Math.random() * 1_000) });
      latenciesMs.push(performance.now() - sent);
      if (reply.ok) ok += 1;
      else failed += 1;
    }
  }),
);
const elapsedSeconds = (performance.now() - started) / 1000;
const { report } = await auditor.expectResult('audit.check', {});
const commits = auditor.syncPosition!.seq - seqBefore;

latenciesMs.sort((left, right) => left - right);
const percentile = (fraction: number) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(latenciesMs.length * fraction))]!.toFixed(2);
console.log(`clients                 ${clientCount}`);
console.log(`duration                ${elapsedSeconds.toFixed(1)} s`);
console.log(`transfers ok            ${ok}  (failed ${failed})`);
console.log(`transfers/s             ${(ok / elapsedSeconds).toFixed(0)}`);
console.log(`latency p50/p95/p99     ${percentile(0.5)} / ${percentile(0.95)} / ${percentile(0.99)} ms`);
console.log(`durable commits         ${commits}  (${(ok / Math.max(commits, 1)).toFixed(1)} transfers per fsync)`);
console.log(`ledger check            ${report.ok ? 'ok' : `FAILED: ${report.problems.join('; ')}`} (${report.transactionsChecked} transactions, ${report.entriesChecked} entries)`);

await Promise.all([...clients.map(({ client }) => client.close()), auditor.close()]);
await server.close();
rmSync(directory, { recursive: true, force: true });
if (!report.ok) process.exit(1);
