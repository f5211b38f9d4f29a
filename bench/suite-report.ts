/**
 * The one table `npm run bench` prints: a row per measurement, each Tally row next to the bare echo
 * ceiling of the same shape, then the details the notes column has no room for, the ledger check,
 * anything the server printed, why the run failed (if it did), and the machine.
 */
import type { BenchSuiteResult, EchoRow, LatencySummary, TransfersRow } from './suite.ts';

const header = ['row', 'connections', 'ops/s', 'p50 ms', 'p99 ms', 'p99.9 ms', '× echo', 'notes'];
/** Columns aligned right (numbers); the others (the row's name, notes) align left. */
const rightAligned: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]);
const kibibyte = 1024;
const mebibyte = 1024 * 1024;

export function formatReport(result: BenchSuiteResult): string {
  const { options } = result;
  const lines = [
    `Tally benchmark: ${options.durationMs / 1000} s per timed row, ${options.loadProcesses} load processes; the Tally server, the echo server and each load process are separate processes.`,
    '',
    ...formatTable([header, ...tableRows(result)]),
    '',
    ...detailLines(result),
    '',
    `machine: ${result.machine.cores} cores (${result.machine.cpuModel}), Node ${result.machine.node}, ${result.machine.platform}; ${result.date}`,
  ];
  return lines.join('\n');
}

function tableRows(result: BenchSuiteResult): string[][] {
  const { flashSale, idleMemory } = result;
  const observed = result.transfersObserved;
  return [
    echoCells('1 bare ws echo', result.echo),
    transferCells('2 Tally durable transfers', result.transfers, `${transferNote(result.transfers)}`),
    transferCells(`3 transfers + ${observed.observers} observers`, observed, `${transferNote(observed)}; ${observerNote(observed)}`),
    echoCells('4 bare ws echo', result.echoMany),
    transferCells('5 Tally durable transfers', result.transfersMany, `${transferNote(result.transfersMany)}; ${starvationNote(result.transfersMany)}`),
    [
      '6 flash sale checkouts',
      whole(flashSale.shoppers),
      whole(flashSale.perSecond),
      ...latencyCells(flashSale.latency),
      ratio(flashSale.ratioToEcho),
      `${whole(flashSale.units)} units: sold ${whole(flashSale.sold)}, refused ${whole(flashSale.refused)}, unanswered ${flashSale.unanswered}; ` +
        `last answer ${milliseconds(flashSale.lastAnswerMs)} after the first send (bare echo burst: ${milliseconds(flashSale.echoBurstMs)})`,
    ],
    [
      '7 idle connections',
      whole(idleMemory.connections),
      '—',
      '—',
      '—',
      '—',
      '—',
      `${idleMemory.kibPerConnection.toFixed(1)} KiB each (server RSS ${mib(idleMemory.residentBeforeKib * kibibyte)} → ${mib(idleMemory.residentAfterKib * kibibyte)}); all welcomed in ${idleMemory.openSeconds.toFixed(1)} s`,
    ],
  ];
}

function echoCells(name: string, row: EchoRow): string[] {
  return [name, whole(row.connections), whole(row.perSecond), ...latencyCells(row.latency), ratio(1), ''];
}

function transferCells(name: string, row: TransfersRow, note: string): string[] {
  return [name, whole(row.connections), whole(row.perSecond), ...latencyCells(row.latency), ratio(row.ratioToEcho), note];
}

function transferNote(row: TransfersRow): string {
  const perCommit = row.commits === 0 ? '' : ` (${(row.ok / row.commits).toFixed(1)} each)`;
  const faults = row.unexpected + row.unanswered === 0 ? '' : `; FAULTS: ${row.unexpected} errors, ${row.unanswered} unanswered`;
  return `refused ${whole(row.refused)}; ${whole(row.commits)} commits${perCommit}${faults}`;
}

function observerNote(row: TransfersRow): string {
  const { anonymousFrames, anonymousBytes, auditorFrames, auditorBytes } = row.observerTraffic;
  const frames = anonymousFrames + auditorFrames;
  const bytes = anonymousBytes + auditorBytes;
  const perCommit = row.commits === 0 ? '' : ` (${(frames / row.commits).toFixed(1)} frames, ${kib(bytes / row.commits)} per commit)`;
  return `observers got ${whole(frames)} frames, ${mib(bytes)}${perCommit}`;
}

function starvationNote(row: TransfersRow): string {
  const none = row.connectionsWithNoneCompleted === 0 ? 'none at 0' : `${row.connectionsWithNoneCompleted} AT 0`;
  return `starved: fewest ${whole(row.completedPerConnectionMin)} by one connection, ${none}`;
}

function detailLines(result: BenchSuiteResult): string[] {
  const observed = result.transfersObserved;
  const { anonymousFrames, anonymousBytes, auditorFrames, auditorBytes } = observed.observerTraffic;
  const anonymousTabs = observed.observers - Math.floor(observed.observers / 2);
  const auditorTabs = Math.floor(observed.observers / 2);
  const { ledger } = result;
  const lines = [
    ...(result.options.inMemoryDatabase === true ? ['Tally ran on an IN-MEMORY database (--in-memory-database): nothing was durable; this run shows the floor, not Tally'] : []),
    ...(result.options.postgresUrl !== undefined ? ['Tally ran on PostgreSQL (--postgres), one server process, in a schema of its own dropped after the run'] : []),
    `row 3 observers (${result.options.observersParse ? 'parsing every frame, as tabs do' : 'counting frames, not parsing them: --observers-parse to parse'}): ` +
      `${anonymousTabs} anonymous tabs got ${whole(anonymousFrames)} frames, ${mib(anonymousBytes)}; ` +
      `${auditorTabs} auditor tabs got ${whole(auditorFrames)} frames, ${mib(auditorBytes)}`,
    `broadcast frames the load connections skipped (their user's accounts, stats): row 2 ${whole(result.transfers.loadBroadcastFrames)}, ` +
      `row 3 ${whole(observed.loadBroadcastFrames)}, row 5 ${whole(result.transfersMany.loadBroadcastFrames)}`,
    `flash sale refusals: ${formatCounts(result.flashSale.refusedByCode)}`,
    `ledger check: ${ledger.ok ? 'ok' : `FAILED: ${ledger.problems.join('; ')}`} (${whole(ledger.transactionsChecked)} transactions, ${whole(ledger.entriesChecked)} entries, ${whole(ledger.accountsChecked)} accounts, at commit ${ledger.seq})`,
  ];
  if (result.serverLog.length > 0) lines.push('the Tally server printed:', ...result.serverLog.map((line) => `  ${line}`));
  lines.push(result.failures.length === 0 ? 'verdict: ok' : 'verdict: FAILED', ...result.failures.map((failure) => `  ${failure}`));
  return lines;
}

/** `code count, code count`, or none. */
export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([code, count]) => `${code} ${count}`).join(', ');
}

function latencyCells(latency: LatencySummary | null): string[] {
  if (latency === null) return ['—', '—', '—'];
  return [latency.p50Ms.toFixed(2), latency.p99Ms.toFixed(2), latency.p999Ms.toFixed(2)];
}

function formatTable(rows: readonly string[][]): string[] {
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => value.toFixed(3);
const milliseconds = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const kib = (bytes: number) => `${(bytes / kibibyte).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / mebibyte).toFixed(1)} MiB`;
