// Loaded with --import before the bench: times every SqliteEngine.commit and counts disk bytes written.
import { readFileSync } from 'node:fs';
const root = process.env.PROBE_ROOT!;
const { SqliteEngine } = await import(`${root}/server/storage/sqlite/engine.ts`);
const original = SqliteEngine.prototype.commit;
let commits = 0, totalMs = 0;
SqliteEngine.prototype.commit = function (seq: number) {
  const start = performance.now();
  try { return original.call(this, seq); } finally { totalMs += performance.now() - start; commits += 1; }
};
const io = () => Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
const startBytes = io();
process.on('exit', () => console.log(`probe: ${commits} commits, ${(totalMs / commits).toFixed(2)} ms each, ${((io() - startBytes) / commits / 1024).toFixed(1)} KiB written per commit`));
