/**
 * Starts the simulation's worker processes (cli/simulate-worker.ts), waits until every one has
 * signed in, lets them all go at once, and collects their summaries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SimulateOptions } from './simulate-arguments.ts';
import { goLine, WorkerReport, type SimulationJob, type WorkerSummary } from './simulate-job.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const workerScript = fileURLToPath(new URL('./simulate-worker.ts', import.meta.url));

/** Starting Node with tsx and signing in (scrypt) takes about a second; allow for a loaded machine. */
export const workerReadyTimeoutMs = 60_000;

export interface WorkersOutcome {
  summaries: WorkerSummary[];
  /** From `go` until the last worker finished. */
  elapsedMs: number;
  /** Workers that failed, stopped early or sent no summary. */
  problems: string[];
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  finished: Promise<{ exitCode: number | null; summary: WorkerSummary | null }>;
}

export interface WorkerUser {
  username: string;
  password: string;
  accountNumbers: string[];
}

export async function runWorkers(options: SimulateOptions, users: readonly WorkerUser[], allAccountNumbers: readonly string[]): Promise<WorkersOutcome> {
  const workers = users.map((user, index) =>
    startWorker({
      // Several endpoints: the processes are spread over them, one connection each.
      url: options.urls[index % options.urls.length]!,
      processNumber: index + 1,
      username: user.username,
      password: user.password,
      ownAccountNumbers: user.accountNumbers,
      allAccountNumbers: [...allAccountNumbers],
      operations: options.operations,
      durationMs: options.seconds === null ? null : options.seconds * 1000,
      transferCentsMax: options.depositCents,
      verbose: options.verbose,
    }),
  );
  try {
    await allReady(workers);
  } catch (error) {
    for (const worker of workers) worker.child.kill();
    throw error;
  }
  const startedMs = performance.now();
  for (const worker of workers) worker.child.stdin!.write(`${goLine}\n`);
  const results = await Promise.all(workers.map((worker) => worker.finished));
  const elapsedMs = performance.now() - startedMs;
  const summaries: WorkerSummary[] = [];
  const problems: string[] = [];
  results.forEach(({ exitCode, summary }, index) => {
    const processNumber = index + 1;
    if (summary === null) problems.push(`process ${processNumber} exited with code ${exitCode} without a summary`);
    else summaries.push(summary);
    if (summary?.error) problems.push(`process ${processNumber} stopped early: ${summary.error}`);
    else if (exitCode !== 0 && summary !== null) problems.push(`process ${processNumber} exited with code ${exitCode}`);
  });
  return { summaries, elapsedMs, problems };
}

async function allReady(workers: readonly Worker[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the workers were not all ready within ${workerReadyTimeoutMs} ms`)), workerReadyTimeoutMs);
  });
  try {
    await Promise.race([Promise.all(workers.map((worker) => worker.ready)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Spawns one worker, hands it its job on stdin and follows its stdout. */
function startWorker(job: SimulationJob): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin!.on('error', () => {}); // a worker that dies early closes its stdin; its exit code tells why
  child.stdin!.write(`${JSON.stringify(job)}\n`);
  let summary: WorkerSummary | null = null;
  let markReady: () => void = () => {};
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    void exited.then((code) => reject(new Error(`process ${job.processNumber} exited with code ${code} before it was ready`)));
  });
  ready.catch(() => {}); // observed by allReady; a rejection after `go` is expected and harmless
  const output = createInterface({ input: child.stdout! });
  output.on('line', (line) => {
    const report = line.startsWith('{') ? WorkerReport.safeParse(parseJson(line)) : null;
    if (report?.success && report.data.type === 'ready') markReady();
    else if (report?.success && report.data.type === 'summary') summary = report.data;
    else process.stdout.write(`[${job.processNumber}] ${line}\n`);
  });
  const outputClosed = new Promise<void>((resolve) => output.once('close', resolve));
  const finished = Promise.all([exited, outputClosed]).then(([exitCode]) => ({ exitCode, summary }));
  return { child, ready, finished };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
