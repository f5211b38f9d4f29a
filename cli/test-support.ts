/** For the command-line tests only: runs a cli/ script as its own process, the way a person would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export interface ScriptRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Variables the scripts read; cleared so the developer's own settings cannot leak into a test. */
const scriptVariables = ['TALLY_URL', 'TALLY_PASSWORD', 'TALLY_AUDITOR_PASSWORD'];

/** `node --import tsx <script> ...args` from the repository root, stdin closed (not a terminal). */
export function runScript(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !scriptVariables.includes(name)));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repositoryRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}
