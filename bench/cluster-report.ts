/**
 * The one table `npm run bench:cluster` prints: the echo ceiling, the pgbench baseline, then per
 * cluster size its transfers and (from two nodes) its commit-to-tab lag; below it the goal, the
 * ledger checks, anything the servers printed, why the run failed (if it did), and the machine.
 */
import type { BaselineRow, BenchClusterResult, ClusterRow, CpuUse, LagRow } from './cluster.ts';
import type { LatencySummary } from './suite.ts';
import { formatCounts } from './suite-report.ts';

const header = ['row', 'connections', 'ops/s', 'p50 ms', 'p99 ms', '× echo', '× pgbench', 'notes'];
/** Columns aligned right (numbers); the others (the row's name, notes) align left. */
const rightAligned: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]);
/** Issue 17's goal: the cluster at least this many times the pgbench baseline. */
const baselineGoalRatio = 3;

export function formatClusterReport(result: BenchClusterResult): string {
  const { options } = result;
  const lines = [
    `Tally cluster benchmark: ${options.durationMs / 1000} s per timed row, ${options.connections} connections, ${options.loadProcesses} load processes, PostgreSQL at ${options.postgresUrl}; ` +
      'every Tally node, the echo server, pgbench and each load process are separate processes on this one machine.',
    '',
    ...formatTable([header, ...tableRows(result)]),
    '',
    ...detailLines(result),
    '',
    `machine: ${result.machine.cores} cores (${result.machine.cpuModel}), Node ${result.machine.node}, ${result.machine.platform}; ${result.date}`,
  ];
  return lines.join('\n');
}

function tableRows(result: BenchClusterResult): string[][] {
  const { echo } = result;
  const rows = [['1 bare ws echo', whole(echo.connections), whole(echo.perSecond), ...latencyCells(echo.latency), ratio(1), '—', ''], baselineCells(result.baseline)];
  for (const cluster of result.clusters) {
    rows.push(clusterCells(cluster));
    if (cluster.lag !== null) rows.push(lagCells(cluster.nodes, cluster.lag));
  }
  return rows;
}

function baselineCells(baseline: BaselineRow): string[] {
  const name = '2 pgbench, 1 txn per transfer';
  if (!baseline.available) return [name, '—', '—', '—', '—', '—', '—', baseline.reason];
  const note = `${whole(baseline.transactions)} transactions (${whole(baseline.failedTransactions)} failed), ${baseline.threads} threads; machine ${percent(baseline.machineBusy)} busy`;
  return [name, whole(baseline.clients), whole(baseline.perSecond), ...latencyCells(baseline.latency), ratio(baseline.ratioToEcho), ratio(1), note];
}

function clusterCells(cluster: ClusterRow): string[] {
  const { transfers } = cluster;
  const perCommit = transfers.commits === 0 ? '' : ` (${(transfers.ok / transfers.commits).toFixed(1)} each)`;
  const faults = transfers.unexpected + transfers.unanswered === 0 ? '' : `; FAULTS: ${transfers.unexpected} errors, ${transfers.unanswered} unanswered`;
  const starved = transfers.connectionsWithNoneCompleted === 0 ? '' : `; ${transfers.connectionsWithNoneCompleted} connections completed none`;
  const note = `refused ${whole(transfers.refused)}; ${whole(transfers.commits)} commits${perCommit}; ${cpuNote(cluster.cpu)}; ledger ${cluster.ledger.ok ? 'ok' : 'FAILED'}${faults}${starved}`;
  const ratioToBaseline = cluster.ratioToBaseline === null ? '—' : ratio(cluster.ratioToBaseline);
  return [`3 Tally, ${nodesName(cluster.nodes)}`, whole(transfers.connections), whole(transfers.perSecond), ...latencyCells(transfers.latency), ratio(transfers.ratioToEcho), ratioToBaseline, note];
}

function lagCells(nodes: number, lag: LagRow): string[] {
  const missing = lag.missing === 0 ? '' : `; ${lag.missing} NEVER ARRIVED`;
  const faults = Object.keys(lag.faultsByCode).length === 0 ? '' : `; deposit FAULTS: ${formatCounts(lag.faultsByCode)}`;
  const note = `commit on node 1 → tab on node 2: max ${optionalMs(lag.maxMs)} ms; ${whole(lag.samples)} samples of ${whole(lag.deposits)} deposits${missing}${faults}`;
  return [`4 lag, ${nodesName(nodes)}`, '—', '—', optionalMs(lag.p50Ms), optionalMs(lag.p99Ms), '—', '—', note];
}

function cpuNote(cpu: CpuUse): string {
  return `cores: Tally ${cpu.tallyCores.toFixed(2)}, its PostgreSQL backends ${cpu.postgresCores.toFixed(2)}, load ${cpu.loadCores.toFixed(2)}; machine ${percent(cpu.machineBusy)} busy`;
}

function detailLines(result: BenchClusterResult): string[] {
  const lines = [goalLine(result)];
  for (const { nodes, ledger, transfers, serverLogs } of result.clusters) {
    lines.push(
      `${nodesName(nodes)}: ledger check ${ledger.ok ? 'ok' : `FAILED: ${ledger.problems.join('; ')}`} (${whole(ledger.transactionsChecked)} transactions, ${whole(ledger.entriesChecked)} entries, ` +
        `${whole(ledger.accountsChecked)} accounts, at commit ${ledger.seq}); refusals: ${formatCounts(transfers.refusedByCode)}; fewest transfers by one connection ${whole(transfers.completedPerConnectionMin)}`,
    );
    serverLogs.forEach((log, index) => {
      if (log.length > 0) lines.push(`  node ${index + 1} of ${nodes} printed:`, ...log.map((line) => `    ${line}`));
    });
  }
  lines.push(result.failures.length === 0 ? 'verdict: ok' : 'verdict: FAILED', ...result.failures.map((failure) => `  ${failure}`));
  return lines;
}

function goalLine(result: BenchClusterResult): string {
  if (!result.baseline.available) return `goal (≥ ${baselineGoalRatio}× the pgbench baseline): not measured, no baseline`;
  const ratios = result.clusters.map(({ nodes, ratioToBaseline }) => `${nodesName(nodes)} ${ratioToBaseline!.toFixed(2)}×${ratioToBaseline! >= baselineGoalRatio ? ' (met)' : ''}`);
  return `goal (≥ ${baselineGoalRatio}× the pgbench baseline of ${whole(result.baseline.perSecond)}/s): ${ratios.join(', ')}`;
}

function latencyCells(latency: LatencySummary | null): string[] {
  if (latency === null) return ['—', '—'];
  return [latency.p50Ms.toFixed(2), latency.p99Ms.toFixed(2)];
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

const nodesName = (nodes: number) => (nodes === 1 ? '1 node' : `${nodes} nodes`);
const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => value.toFixed(3);
const percent = (share: number) => `${Math.round(share * 100)} %`;
const optionalMs = (value: number | null) => (value === null ? '—' : value.toFixed(2));
