/**
 * How smooth the SPA stays under load, in a real headless Chromium against a real server (its own
 * process, a free port, a temporary database): two customers' bank tabs simulating transfers at the
 * panel's highest rate, the auditor on #/audit and a dashboard tab on #/dashboard, each in its own
 * browser context (its own window, so none is a throttled background tab).
 *
 *   npm run bench:ui -- [--seconds 10] [--warmup 3] [--skip-build | --web-root <dir>] [--profile <file>] [--trace <file>]
 *                      [--animations-off <selector>] [--idle]
 *
 * It builds the SPA first (`vite build` into a temporary folder, so it measures the source as it is
 * and never touches dist/web); --skip-build serves dist/web instead (run `npm run build` first), and
 * --web-root serves another build (e.g. one of an older checkout, to compare). --profile writes a CPU
 * profile of the first bank tab over the measured window, --trace a performance trace of it (open
 * either in Chrome DevTools). --animations-off '*' turns every CSS animation off in every tab (or
 * those of the elements a narrower selector matches), to see what they cost.
 *
 * After the warm-up it measures, for --seconds, in every tab at once: frames per second (a
 * requestAnimationFrame count in the page), the longest long task (PerformanceObserver 'longtask'),
 * click-to-result latency (from the click's event time to the first frame after the DOM shows its
 * effect, seen by a MutationObserver), how often the history or ledger table was blank (sampled
 * every 100 ms: absent, or most rows still fading in), how far any table overflows its column, and
 * the renderer's own CPU time (main thread, script, style and layout). It also says how many CPU
 * cores the run's processes used (server, and each kind of Chromium process): on a small machine
 * they share its cores, so the frame rates are only as good as what else runs there.
 * Target: every tab ≥ 50 frames/s and every click shown in < 100 ms.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Locator, type Page } from '@playwright/test';
import { simulationRatePerSecondMax } from '../web/src/bank/bank-ui-limits.ts';
import { freePort } from '../torture/server-process.ts';
import { limitArguments } from '../server/config.ts';
import { accountNumberDigits, loopbackLoadTestLimits } from '../shared/limits.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const auditorPassword = 'bench-auditor-password';
const customerPassword = 'correct horse battery';
const serverStartTimeoutMs = 30_000;
const viewport = { width: 1280, height: 800 };
/** A click whose effect has not shown by then counts as this long (and is reported as such). */
const clickTimeoutMs = 5_000;
const clickIntervalMs = 1_000;
const blankSampleIntervalMs = 100;
const targetFramesPerSecondMin = 50;
const targetClickLatencyMsMax = 100;

interface BenchOptions {
  durationMs: number;
  warmupMs: number;
  /** A built SPA to serve instead of building one. */
  webRoot: string | null;
  /** Where to write the first bank tab's CPU profile, if anywhere. */
  profilePath: string | null;
  /** Where to write the first bank tab's performance trace, if anywhere. */
  tracePath: string | null;
  /** CSS animations of the elements this selector matches are turned off in every tab, to see what they cost. */
  animationsOff: string | null;
  /** No simulation: what the same four tabs reach with nothing happening. */
  idle: boolean;
}

function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      'skip-build': { type: 'boolean', default: false },
      'web-root': { type: 'string' },
      profile: { type: 'string' },
      trace: { type: 'string' },
      'animations-off': { type: 'string' },
      idle: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  if (!(seconds > 0) || !(warmup >= 0)) throw new Error('--seconds must be > 0 and --warmup ≥ 0');
  const webRoot = values['web-root'] ?? (values['skip-build'] ? join(repositoryRoot, 'dist/web') : null);
  return {
    durationMs: seconds * 1_000,
    warmupMs: warmup * 1_000,
    webRoot,
    profilePath: values.profile ?? null,
    tracePath: values.trace ?? null,
    animationsOff: values['animations-off'] ?? null,
    idle: values.idle,
  };
}

// --- The SPA and the server -------------------------------------------------------------------

function buildWeb(outDir: string): void {
  console.log(`building the SPA into ${outDir} …`);
  const built = spawnSync(process.execPath, [join(repositoryRoot, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir'], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) throw new Error('vite build failed');
}

async function startServer(port: number, databasePath: string, webRoot: string): Promise<ChildProcess> {
  const args = ['--import', 'tsx', 'server/main.ts', '--host', '127.0.0.1', '--port', String(port), '--database', databasePath, '--web-root', webRoot, ...limitArguments(loopbackLoadTestLimits)];
  const child = spawn(process.execPath, args, {
    cwd: repositoryRoot,
    env: { ...process.env, TALLY_AUDITOR_PASSWORD: auditorPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not listen within ${serverStartTimeoutMs} ms:\n${output}`)), serverStartTimeoutMs);
    const childOnData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!/Tally is listening on/.test(output)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', childOnData);
    child.stderr!.on('data', childOnData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

// --- Setting up the tabs ----------------------------------------------------------------------

/** Where tabs open: the browser, the server's address, and how. */
interface Site {
  browser: Browser;
  baseURL: string;
  animationsOff: string | null;
}

async function newTab({ browser, baseURL, animationsOff }: Site): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport });
  // tsx names inner functions with a helper the page lacks; the functions this file runs in the page need it.
  await context.addInitScript('globalThis.__name = (target) => target;');
  if (animationsOff !== null) {
    const rule = `:is(${animationsOff}), :is(${animationsOff})::before, :is(${animationsOff})::after { animation: none !important; transition: none !important; }`;
    await context.addInitScript(`addEventListener('DOMContentLoaded', () => {
      const style = document.createElement('style');
      style.textContent = ${JSON.stringify(rule)};
      document.head.append(style);
    });`);
  }
  return context.newPage();
}

async function signIn(page: Page, mode: 'Sign in' | 'Register', username: string, password: string): Promise<void> {
  await page.goto('/#/bank');
  await page.getByRole('tab', { name: mode, exact: true }).click();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: mode, exact: true }).click();
}

async function openAccount(page: Page, kind: 'checking' | 'savings', dollars: string): Promise<string> {
  const panel = page.getByRole('region', { name: 'Open an account' });
  await panel.getByLabel('Kind', { exact: true }).selectOption(kind);
  await panel.getByLabel('Initial deposit', { exact: true }).fill(dollars);
  await panel.getByRole('button', { name: 'Open account' }).click();
  const outcome = panel.getByRole('status', { name: 'Outcome' });
  await outcome.getByRole('listitem').first().waitFor();
  const match = new RegExp(`\\b(\\d{${accountNumberDigits}})\\b`).exec((await outcome.getByRole('listitem').first().textContent()) ?? '');
  if (match === null) throw new Error('the OK outcome names no account number');
  return match[1]!;
}

interface Customer {
  page: Page;
  accounts: string[];
}

async function openCustomer(site: Site, username: string): Promise<Customer> {
  const page = await newTab(site);
  await signIn(page, 'Register', username, customerPassword);
  await page.getByRole('heading', { name: 'My accounts' }).waitFor();
  const accounts = [await openAccount(page, 'checking', '5000'), await openAccount(page, 'savings', '5000')];
  return { page, accounts };
}

async function startSimulation(page: Page, others: readonly string[]): Promise<void> {
  const panel = page.getByRole('region', { name: 'Simulation' });
  for (const box of await panel.getByRole('group', { name: 'My accounts to use' }).getByRole('checkbox').all()) await box.check();
  await panel.getByLabel('Other account numbers (optional)', { exact: true }).fill(others.join(' '));
  await panel.getByLabel('Transfers per second', { exact: true }).fill(String(simulationRatePerSecondMax));
  await panel.getByRole('button', { name: 'Start simulation' }).click();
  await panel.getByRole('button', { name: 'Stop simulation' }).and(page.locator(':enabled')).waitFor();
}

async function openAuditor(site: Site, hash: string): Promise<Page> {
  const page = await newTab(site);
  await signIn(page, 'Sign in', 'auditor', auditorPassword);
  await page.getByRole('link', { name: 'Open the audit views' }).waitFor();
  await page.goto(`/${hash}`);
  return page;
}

// --- Measuring in the page --------------------------------------------------------------------

interface PageWindow {
  frames: number;
  durationMs: number;
  longTaskMsMax: number;
  longTaskMsTotal: number;
  blankSamples: number;
  samples: number;
  overflowPxMax: number;
  visibility: string;
}

/**
 * Runs in the page for `durationMs`: counts animation frames, records long tasks, and samples
 * whether the history or ledger table shows rows and how far any table overflows its scroller.
 */
function measureInPage([durationMs, sampleIntervalMs]: readonly [number, number]): Promise<PageWindow> {
  return new Promise((resolve) => {
    const result = { frames: 0, durationMs: 0, longTaskMsMax: 0, longTaskMsTotal: 0, blankSamples: 0, samples: 0, overflowPxMax: 0, visibility: document.visibilityState };
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        result.longTaskMsMax = Math.max(result.longTaskMsMax, entry.duration);
        result.longTaskMsTotal += entry.duration;
      }
    });
    observer.observe({ type: 'longtask', buffered: false });
    const startMs = performance.now();
    let running = true;
    // Sampled inside a frame, where layout is due anyway, so sampling forces no extra layout.
    let sampleDue = false;
    const frame = () => {
      if (!running) return;
      result.frames += 1;
      if (sampleDue) takeSample();
      sampleDue = false;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const historyTable = () =>
      [...document.querySelectorAll('table')].find((table) => /^(My history|All transactions)$/.test(table.querySelector('caption')?.textContent ?? ''));
    const takeSample = () => {
      const table = historyTable();
      const headings = [...document.querySelectorAll('h2')].map((heading) => heading.textContent ?? '');
      if (table === undefined && !headings.some((text) => /^(My history|All transactions)$/.test(text))) return;
      result.samples += 1;
      const rows = table === undefined ? [] : [...table.querySelectorAll('tbody tr')];
      const shown = rows.filter((row) => Number(getComputedStyle(row).opacity) >= 0.9).length;
      if (rows.length === 0 || shown < rows.length / 2) result.blankSamples += 1;
      for (const scroller of document.querySelectorAll('table')) {
        const box = scroller.parentElement;
        if (box === null) continue;
        result.overflowPxMax = Math.max(result.overflowPxMax, scroller.getBoundingClientRect().width - box.clientWidth);
      }
    };
    const sample = setInterval(() => (sampleDue = true), sampleIntervalMs);
    setTimeout(() => {
      running = false;
      clearInterval(sample);
      observer.disconnect();
      result.durationMs = performance.now() - startMs;
      result.frames = (result.frames * 1_000) / result.durationMs;
      resolve(result);
    }, durationMs);
  });
}

/**
 * Arms a one-shot probe on the element about to be clicked: the click's event time, then the first
 * animation frame after a mutation changes the element's `attribute` (or, for 'text', the first word
 * of its text: "Pause" to "Resume (3 new)", not "(3 new)" to "(4 new)"). Leaves the latency in ms
 * (or timeoutMs) for `window.clickProbe` to answer.
 */
function armClickProbe(element: Element, [attribute, timeoutMs]: readonly [string, number]): void {
  const read = () => (attribute === 'text' ? (element.textContent ?? '').split(' ')[0] : element.getAttribute(attribute));
  const initial = read();
  const probe = new Promise<number>((resolve) => {
    let clickedAtMs: number | null = null;
    const elementOnClick = (event: Event) => {
      clickedAtMs = event.timeStamp;
    };
    element.addEventListener('click', elementOnClick, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (clickedAtMs === null || read() === initial) return;
      observer.disconnect();
      const started = clickedAtMs;
      requestAnimationFrame(() => resolve(performance.now() - started));
    });
    observer.observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
    setTimeout(() => {
      observer.disconnect();
      resolve(timeoutMs);
    }, timeoutMs);
  });
  (window as unknown as { clickProbe: Promise<number> }).clickProbe = probe;
}

/** What a click in a tab does: the button or link, and the attribute (or 'text') that shows it took. */
interface ClickProbe {
  name: string;
  target: (page: Page) => Locator;
  attribute: string;
}

const moneyTab = (name: string): ClickProbe => ({
  name: `${name} tab`,
  target: (page) => page.getByRole('region', { name: 'Move money' }).getByRole('tab', { name, exact: true }),
  attribute: 'aria-selected',
});

const navLink = (name: string): ClickProbe => ({
  name: `${name} link`,
  target: (page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }),
  attribute: 'aria-current',
});

const pauseButton = (region: string): ClickProbe => ({
  name: 'Pause/Resume',
  target: (page) =>
    page
      .getByRole('region', { name: region })
      .getByRole('button', { name: /^(Pause|Resume)/ })
      .first(),
  attribute: 'text',
});

interface Tab {
  name: string;
  page: Page;
  /** Tried in turn; those absent from the page are skipped. */
  probes: ClickProbe[];
  simulating: boolean;
}

async function clickOnce(page: Page, probe: ClickProbe): Promise<number | null> {
  const target = probe.target(page);
  if ((await target.count()) === 0 || !(await target.isEnabled())) return null;
  // A tab already selected or a link to the page already shown would show nothing new.
  const current = probe.attribute === 'text' ? null : await target.getAttribute(probe.attribute);
  if (current !== null && current !== 'false') return null;
  await target.evaluate(armClickProbe, [probe.attribute, clickTimeoutMs] as const);
  await target.click({ timeout: clickTimeoutMs });
  return page.evaluate(() => (window as unknown as { clickProbe: Promise<number> }).clickProbe);
}

/** Clicks through the tab's probes every clickIntervalMs until `endAtMs`; the latencies, by probe. */
async function clickLoop(tab: Tab, endAtMs: number, offsetMs: number): Promise<Map<string, number[]>> {
  const latencies = new Map<string, number[]>();
  await new Promise((resolve) => setTimeout(resolve, offsetMs));
  let index = 0;
  while (Date.now() + clickIntervalMs < endAtMs) {
    const probe = tab.probes[index % tab.probes.length]!;
    index += 1;
    const latencyMs = await clickOnce(tab.page, probe).catch(() => clickTimeoutMs);
    if (latencyMs !== null) latencies.set(probe.name, [...(latencies.get(probe.name) ?? []), latencyMs]);
    await new Promise((resolve) => setTimeout(resolve, clickIntervalMs));
  }
  return latencies;
}

async function simulationSettled(page: Page): Promise<number> {
  const read = async (name: string) => Number(await page.getByRole('region', { name: 'Simulation' }).getByRole('status', { name, exact: true }).textContent());
  return (await read('OK')) + (await read('FAILED'));
}

/** Starts the V8 profiler in the page; the function returned stops it and answers the profile as JSON. */
async function startProfile(page: Page): Promise<() => Promise<string>> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.start');
  return async () => JSON.stringify((await session.send('Profiler.stop')).profile);
}

// --- CPU of the processes this run started (Linux /proc) ------------------------------------------

/** What a process is, for the CPU table: the server, or which kind of Chromium process. */
function processKind(pid: number, serverPid: number | undefined): string {
  if (pid === serverPid) return 'server';
  const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  if (!commandLine.includes('chromium') && !commandLine.includes('chrome')) return 'other';
  const type = /--type=([a-z-]+)/.exec(commandLine)?.[1] ?? 'browser';
  return `chromium ${type}`;
}

/** CPU seconds used so far by every process descended from this one, summed by kind. */
function descendantsCpuSeconds(serverPid: number | undefined): Map<string, number> {
  const byKind = new Map<string, number>();
  if (!existsSync('/proc/self/stat')) return byKind;
  const ticksPerSecond = 100;
  const parents = new Map<number, number>();
  const cpuSeconds = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces) start at state: ppid is the 2nd, utime and stime the 12th and 13th.
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
      parents.set(Number(entry), Number(fields[1]));
      cpuSeconds.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // The process ended meanwhile.
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) if (parent === process.pid) return true;
    return false;
  };
  for (const [pid, seconds] of cpuSeconds) {
    if (!isDescendant(pid)) continue;
    let kind: string;
    try {
      kind = processKind(pid, serverPid);
    } catch {
      continue;
    }
    byKind.set(kind, (byKind.get(kind) ?? 0) + seconds);
  }
  const own = process.cpuUsage();
  byKind.set('this script', (own.user + own.system) / 1e6);
  return byKind;
}

// --- The run ----------------------------------------------------------------------------------

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const format = (value: number, digits = 0) => (Number.isNaN(value) ? '–' : value.toFixed(digits));

/** The renderer's own counters (CDP Performance.getMetrics), in seconds: CPU time, not wall time. */
type RendererMetrics = Record<'ThreadTime' | 'ScriptDuration' | 'LayoutDuration' | 'RecalcStyleDuration', number>;

async function rendererMetrics(page: Page): Promise<() => Promise<RendererMetrics>> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const read = async () => {
    const { metrics } = await session.send('Performance.getMetrics');
    const value = (name: keyof RendererMetrics) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
    return { ThreadTime: value('ThreadTime'), ScriptDuration: value('ScriptDuration'), LayoutDuration: value('LayoutDuration'), RecalcStyleDuration: value('RecalcStyleDuration') };
  };
  return read;
}

async function measure(tabs: readonly Tab[], durationMs: number, serverPid: number | undefined) {
  const endAtMs = Date.now() + durationMs;
  const settledBefore = await Promise.all(tabs.map((tab) => (tab.simulating ? simulationSettled(tab.page) : 0)));
  const readers = await Promise.all(tabs.map((tab) => rendererMetrics(tab.page)));
  const metricsBefore = await Promise.all(readers.map((read) => read()));
  const cpuBefore = descendantsCpuSeconds(serverPid);
  const startedAtMs = Date.now();
  const [windows, clicks] = await Promise.all([
    Promise.all(tabs.map((tab) => tab.page.evaluate(measureInPage, [durationMs, blankSampleIntervalMs] as const))),
    Promise.all(tabs.map((tab, index) => clickLoop(tab, endAtMs, (index * clickIntervalMs) / tabs.length))),
  ]);
  const elapsedS = (Date.now() - startedAtMs) / 1_000;
  const cpuAfter = descendantsCpuSeconds(serverPid);
  const metricsAfter = await Promise.all(readers.map((read) => read()));
  const settledAfter = await Promise.all(tabs.map((tab) => (tab.simulating ? simulationSettled(tab.page) : 0)));
  const perSecond = (index: number, name: keyof RendererMetrics) => (metricsAfter[index]![name] - metricsBefore[index]![name]) / elapsedS;
  const processCores = [...cpuAfter].map(([kind, seconds]) => [kind, (seconds - (cpuBefore.get(kind) ?? 0)) / elapsedS] as const);
  const perTab = tabs.map((tab, index) => ({
    tab,
    window: windows[index]!,
    clicks: clicks[index]!,
    transfersPerSecond: tab.simulating ? (settledAfter[index]! - settledBefore[index]!) / elapsedS : Number.NaN,
    mainThreadCpuShare: perSecond(index, 'ThreadTime'),
    scriptMsPerSecond: 1_000 * perSecond(index, 'ScriptDuration'),
    styleLayoutMsPerSecond: 1_000 * (perSecond(index, 'LayoutDuration') + perSecond(index, 'RecalcStyleDuration')),
  }));
  return { perTab, processCores };
}

function report({ perTab: results, processCores }: Awaited<ReturnType<typeof measure>>): boolean {
  const header = [
    'tab',
    'visible',
    'frames/s',
    'long task max ms',
    'long tasks ms/s',
    'main thread CPU %',
    'script ms/s',
    'style+layout ms/s',
    'click p50 ms',
    'click max ms',
    'clicks',
    'blank %',
    'overflow px',
    'transfers/s',
  ];
  const rows = results.map(({ tab, window, clicks, transfersPerSecond, mainThreadCpuShare, scriptMsPerSecond, styleLayoutMsPerSecond }) => {
    const all = [...clicks.values()].flat();
    const seconds = window.durationMs / 1_000;
    return [
      tab.name,
      window.visibility,
      format(window.frames, 1),
      format(window.longTaskMsMax),
      format(window.longTaskMsTotal / seconds),
      format(100 * mainThreadCpuShare),
      format(scriptMsPerSecond),
      format(styleLayoutMsPerSecond),
      format(percentile(all, 0.5)),
      format(all.length === 0 ? Number.NaN : Math.max(...all)),
      `${all.length} (${[...clicks.keys()].join(', ') || 'none'})`,
      window.samples === 0 ? '–' : format((100 * window.blankSamples) / window.samples),
      format(window.overflowPxMax),
      format(transfersPerSecond, 1),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log('clicks by probe, ms (p50 / max):');
  for (const { tab, clicks } of results) {
    const probes = [...clicks].map(([name, latencies]) => `${name} ${format(percentile(latencies, 0.5))} / ${format(Math.max(...latencies))}`);
    console.log(`  ${tab.name}: ${probes.join(', ') || 'none'}`);
  }
  if (processCores.length > 0) {
    const total = processCores.reduce((sum, [, cores]) => sum + cores, 0);
    const parts = [...processCores].sort((a, b) => b[1] - a[1]).map(([kind, cores]) => `${kind} ${cores.toFixed(2)}`);
    console.log(`CPU cores used by this run's processes: ${total.toFixed(2)} (${parts.join(', ')})`);
  }
  return results.every(({ window, clicks }) => {
    const all = [...clicks.values()].flat();
    return window.frames >= targetFramesPerSecondMin && all.every((latencyMs) => latencyMs < targetClickLatencyMsMax);
  });
}

async function main(): Promise<void> {
  const options = readOptions();
  const directory = mkdtempSync(join(tmpdir(), 'tally-ui-bench-'));
  const webRoot = options.webRoot ?? join(directory, 'web');
  if (options.webRoot === null) buildWeb(webRoot);
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`no built SPA in ${webRoot}: run \`npm run build\` first`);
  const port = await freePort();
  const server = await startServer(port, join(directory, 'bench.sqlite'), webRoot);
  const baseURL = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    headless: true,
    executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
  try {
    const suffix = Date.now().toString(36);
    const site: Site = { browser, baseURL, animationsOff: options.animationsOff };
    const [ada, ben] = await Promise.all([openCustomer(site, `ada${suffix}`), openCustomer(site, `ben${suffix}`)]);
    const auditor = await openAuditor(site, '#/audit');
    const dashboard = await openAuditor(site, '#/dashboard');
    // --idle: the same four tabs with nothing happening, the baseline of what the machine allows.
    if (!options.idle) await Promise.all([startSimulation(ada.page, ben.accounts), startSimulation(ben.page, ada.accounts)]);
    const bankProbes = [moneyTab('Withdraw'), moneyTab('Deposit'), pauseButton('My history')];
    const tabs: Tab[] = [
      { name: options.idle ? 'bank A (idle)' : 'bank A (simulating)', page: ada.page, probes: bankProbes, simulating: !options.idle },
      { name: options.idle ? 'bank B (idle)' : 'bank B (simulating)', page: ben.page, probes: bankProbes, simulating: !options.idle },
      { name: 'auditor #/audit', page: auditor, probes: [navLink('Bank'), navLink('Audit'), pauseButton('All transactions')], simulating: false },
      { name: 'dashboard #/dashboard', page: dashboard, probes: [navLink('Store'), navLink('Dashboard')], simulating: false },
    ];
    console.log(`warming up for ${options.warmupMs / 1_000} s, then measuring for ${options.durationMs / 1_000} s at ${viewport.width}×${viewport.height} …`);
    await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
    const loadBefore = loadavg()[0]!;
    const profiler = options.profilePath === null ? null : await startProfile(ada.page);
    if (options.tracePath !== null) await browser.startTracing(ada.page, { path: options.tracePath, screenshots: false });
    const results = await measure(tabs, options.durationMs, server.pid);
    if (options.tracePath !== null) await browser.stopTracing();
    if (profiler !== null && options.profilePath !== null) writeFileSync(options.profilePath, await profiler());
    const met = report(results);
    // Other work on the machine slows every tab; the CPU columns are the pages' own cost whatever the load.
    console.log(`machine: ${cpus().length} cores, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after`);
    console.log(met ? 'target met' : `target missed: every tab ≥ ${targetFramesPerSecondMin} frames/s and every click < ${targetClickLatencyMsMax} ms`);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
