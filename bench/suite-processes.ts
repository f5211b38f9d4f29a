/**
 * The processes of `npm run bench`, each its own: the Tally server (`server/main.ts`), the bare echo
 * server (`bench/echo-server.ts`) and the load processes (`bench/load-worker.ts`). Both servers
 * bind port 0 and print the port they got, so no two runs can ever race for one.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult, ParentMessage, WorkerMessage } from './load-jobs.ts';
import { limitArguments } from '../server/config.ts';
import { loopbackLoadTestLimits } from '../shared/limits.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** How long a server or load process may take to start (tsx compiles on first start). */
export const processStartTimeoutMs = 30_000;
/** How long a process may take to exit after SIGTERM before it is SIGKILLed. */
const processStopTimeoutMs = 5_000;
/** Lines of the Tally server's output kept after it listens (the rest are only counted). */
const serverLogLinesMax = 50;

export interface ServerProcess {
  child: ChildProcess;
  webSocketUrl: string;
  /** What the server printed after it started listening: errors and warnings, if any. */
  log: string[];
  /** Lines beyond `log`'s limit. */
  logLinesDropped: number;
}

export interface TallyProcessSettings {
  databasePath: string;
  catalogPath: string;
  webRoot: string;
  auditorPassword: string;
  /** Where the server writes its V8 CPU profile when it exits, if anywhere. */
  profileDirectory?: string;
}

export function startTallyProcess(settings: TallyProcessSettings): Promise<ServerProcess> {
  const { databasePath, catalogPath, webRoot, auditorPassword, profileDirectory } = settings;
  const profiling = profileDirectory === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDirectory];
  const args = [...profiling, '--import', 'tsx', 'server/main.ts', '--host', '127.0.0.1', '--port', '0', '--database', databasePath, '--catalog', catalogPath, '--web-root', webRoot, ...limitArguments(loopbackLoadTestLimits)];
  const child = spawn(process.execPath, args, {
    cwd: repositoryRoot,
    env: { ...process.env, TALLY_AUDITOR_PASSWORD: auditorPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return serverListening(child, 'the Tally server', /Tally is listening on \S+ \(WebSocket (ws:\/\/\S+)\)/);
}

export function startEchoProcess(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/echo-server.ts', '--port', '0'], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  return serverListening(child, 'the echo server', /echo server listening on (ws:\/\/\S+)/);
}

/** Resolves once the child prints the line `listening` matches (its first group: the WebSocket URL). */
function serverListening(child: ChildProcess, name: string, listening: RegExp): Promise<ServerProcess> {
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name} ${reason}:\n${output}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${processStartTimeoutMs} ms`), processStartTimeoutMs);
    const childOnStartupOutput = (chunk: Buffer) => {
      output += chunk.toString();
      const match = listening.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout!.off('data', childOnStartupOutput);
      child.stderr!.off('data', childOnStartupOutput);
      child.off('exit', childOnEarlyExit);
      resolve(keepLog(child, match[1]!));
    };
    const childOnEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${signal ?? code}) before listening`);
    child.stdout!.on('data', childOnStartupOutput);
    child.stderr!.on('data', childOnStartupOutput);
    child.once('exit', childOnEarlyExit);
  });
}

function keepLog(child: ChildProcess, webSocketUrl: string): ServerProcess {
  const server: ServerProcess = { child, webSocketUrl, log: [], logLinesDropped: 0 };
  const childOnOutput = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      if (server.log.length < serverLogLinesMax) server.log.push(line);
      else server.logLinesDropped += 1;
    }
  };
  child.stdout!.on('data', childOnOutput);
  child.stderr!.on('data', childOnOutput);
  return server;
}

/** SIGTERM, then SIGKILL if it has not exited within processStopTimeoutMs; resolves once it has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), processStopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Resident memory of a process, from /proc (Linux). */
export function readResidentKib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** This process's soft limit on open files (children inherit it), or null where /proc cannot say. */
export function openFilesLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match === null || match[1] === 'unlimited') return null;
    return Number(match[1]);
  } catch {
    return null;
  }
}

/**
 * A load process, driven one job at a time: `prepare` resolves when its connections are open,
 * `go` with what it measured. A load process that fails or exits rejects what is waiting.
 */
export class LoadWorker {
  readonly child: ChildProcess;
  #waiting: { expected: WorkerMessage['type']; resolve: (message: WorkerMessage) => void; reject: (error: Error) => void } | null = null;
  #exitError: Error | null = null;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (message: WorkerMessage) => this.#childOnMessage(message));
    child.once('exit', (code, signal) => this.#childOnExit(code, signal));
  }

  static async start(): Promise<LoadWorker> {
    const child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], {
      cwd: repositoryRoot,
      execArgv: ['--import', 'tsx'],
      // Structured clone: latency samples cross as typed arrays, not as JSON text.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new LoadWorker(child);
    const timer = setTimeout(() => worker.#fail(new Error(`a load process did not start within ${processStartTimeoutMs} ms`)), processStartTimeoutMs);
    try {
      await worker.#next('started');
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return worker;
  }

  async prepare(job: LoadJob): Promise<void> {
    this.#send({ type: 'prepare', job });
    await this.#next('ready');
  }

  async go(): Promise<LoadResult> {
    this.#send({ type: 'go' });
    const message = await this.#next('done');
    return (message as Extract<WorkerMessage, { type: 'done' }>).result;
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }

  #send(message: ParentMessage): void {
    if (this.#exitError !== null) throw this.#exitError;
    this.child.send(message);
  }

  #next(expected: WorkerMessage['type']): Promise<WorkerMessage> {
    if (this.#exitError !== null) return Promise.reject(this.#exitError);
    if (this.#waiting !== null) return Promise.reject(new Error(`a load process was asked for ${expected} while waiting for ${this.#waiting.expected}`));
    return new Promise((resolve, reject) => (this.#waiting = { expected, resolve, reject }));
  }

  #childOnMessage(message: WorkerMessage): void {
    if (message.type === 'failed') return this.#fail(new Error(`a load process failed: ${message.message}`));
    const waiting = this.#waiting;
    if (waiting === null || waiting.expected !== message.type) return this.#fail(new Error(`a load process sent ${message.type} unasked`));
    this.#waiting = null;
    waiting.resolve(message);
  }

  #childOnExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exitError = new Error(`a load process exited (${signal ?? code})`);
    this.#fail(this.#exitError);
  }

  #fail(error: Error): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.reject(error);
  }
}
