/**
 * The torture run's server and its nemesis: `server/main.ts` as its own process on a fixed port and
 * database, SIGKILLed every few seconds (no shutdown, no flush beyond what was fsynced) and started
 * again on the same port and database, so clients reconnect to the same address.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Random } from '../shared/seeded-random.ts';
import { limitArguments } from '../server/config.ts';
import { loopbackLoadTestLimits } from '../shared/limits.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** How long a restarted server may take to listen again before the run gives up. */
export const serverStartTimeoutMs = 30_000;

export interface ServerSettings {
  port: number;
  databasePath: string;
  catalogPath: string;
  auditorPassword: string;
  /** Start it broken on purpose (--unsafe-skip-idempotency), to prove the checker catches it. */
  unsafeSkipIdempotency: boolean;
  /** Every node's WebSocket address, when it is one of several processes on one database. */
  endpoints?: readonly string[];
}

/** A free port on 127.0.0.1 now; the server binds it on every start. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export class TortureServer {
  readonly settings: ServerSettings;
  kills = 0;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #nemesisTimer: NodeJS.Timeout | null = null;
  #stopping = false;

  constructor(settings: ServerSettings) {
    this.settings = settings;
  }

  get webSocketUrl(): string {
    return `ws://127.0.0.1:${this.settings.port}/ws`;
  }

  /** Starts the server and resolves once it listens. */
  async start(): Promise<void> {
    const { port, databasePath, catalogPath, auditorPassword, unsafeSkipIdempotency, endpoints = [] } = this.settings;
    const args = ['--import', 'tsx', 'server/main.ts', '--host', '127.0.0.1', '--port', String(port), '--database', databasePath, '--catalog', catalogPath, ...limitArguments(loopbackLoadTestLimits)];
    for (const endpoint of endpoints) args.push('--endpoint', endpoint);
    if (unsafeSkipIdempotency) args.push('--unsafe-skip-idempotency');
    const child = spawn(process.execPath, args, {
      cwd: repositoryRoot,
      env: { ...process.env, TALLY_AUDITOR_PASSWORD: auditorPassword },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await listening(child);
  }

  /** SIGKILL every `intervalMs` (± half, from `random`), then start again at once. */
  startNemesis(intervalMs: number, random: Random): void {
    const schedule = () => {
      const delayMs = Math.round(intervalMs * (0.5 + random()));
      this.#nemesisTimer = setTimeout(() => void this.killAndRestart(0).then(schedule, (error: unknown) => this.#nemesisFailed(error)), delayMs);
    };
    schedule();
  }

  /** Stops the nemesis and leaves the server running (restarting it if it was down). */
  async stopNemesis(): Promise<void> {
    this.#stopping = true;
    if (this.#nemesisTimer !== null) clearTimeout(this.#nemesisTimer);
    this.#nemesisTimer = null;
    await this.#restarting;
    if (this.#child === null || this.#child.exitCode !== null || this.#child.signalCode !== null) await this.start();
  }

  /** SIGKILL, for good. */
  async stop(): Promise<void> {
    await this.stopNemesis();
    this.#child?.kill('SIGKILL');
    await this.#exited;
    this.#child = null;
  }

  nemesisError: unknown = null;
  #restarting: Promise<void> = Promise.resolve();

  /** SIGKILL, stay down `downMs` (its clients must go elsewhere meanwhile), start again. */
  async killAndRestart(downMs: number): Promise<void> {
    if (this.#stopping) return;
    const restarting = (async () => {
      this.#child?.kill('SIGKILL');
      await this.#exited;
      this.kills += 1;
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await this.start();
    })();
    this.#restarting = restarting;
    await restarting;
  }

  #nemesisFailed(error: unknown): void {
    this.nemesisError = error;
  }
}

function listening(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not listen within ${serverStartTimeoutMs} ms:\n${output}`)), serverStartTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Tally is listening on/.test(output)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${signal ?? code}) before listening:\n${output}`));
    });
  });
}

/**
 * One node, or several on one PostgreSQL database, and their nemesis: every few seconds one node, picked at
 * random, is SIGKILLed and stays down for half the interval, so its clients must move to another
 * node, resume there and re-send what was unanswered, before it comes back.
 */
export class TortureCluster {
  readonly nodes: TortureServer[];
  #nemesisTimer: NodeJS.Timeout | null = null;
  #killing: Promise<void> = Promise.resolve();
  #stopping = false;
  nemesisError: unknown = null;

  constructor(nodes: TortureServer[]) {
    this.nodes = nodes;
  }

  get kills(): number {
    return this.nodes.reduce((sum, node) => sum + node.kills, 0);
  }

  get webSocketUrls(): string[] {
    return this.nodes.map((node) => node.webSocketUrl);
  }

  async start(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.start()));
  }

  startNemesis(intervalMs: number, random: Random): void {
    const schedule = () => {
      const delayMs = Math.round(intervalMs * (0.5 + random()));
      this.#nemesisTimer = setTimeout(() => {
        if (this.#stopping) return;
        const victim = this.nodes[Math.floor(random() * this.nodes.length)]!;
        // A lone node comes back at once (its clients have nowhere else to go).
        this.#killing = victim.killAndRestart(this.nodes.length > 1 ? Math.round(intervalMs / 2) : 0);
        this.#killing.then(schedule, (error: unknown) => (this.nemesisError = error));
      }, delayMs);
    };
    schedule();
  }

  /** Stops the nemesis; every node is running again when it resolves. */
  async stopNemesis(): Promise<void> {
    this.#stopping = true;
    if (this.#nemesisTimer !== null) clearTimeout(this.#nemesisTimer);
    await this.#killing.catch(() => {});
    await Promise.all(this.nodes.map((node) => node.stopNemesis()));
  }

  async stop(): Promise<void> {
    await this.stopNemesis();
    await Promise.all(this.nodes.map((node) => node.stop()));
  }
}
