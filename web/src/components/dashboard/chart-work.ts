/**
 * Chart work (creating a chart, drawing a new second) spread over animation frames, at most
 * chartWorkPerFrameMs of it in one frame: opening the dashboard creates some twenty charts, and a new
 * second redraws them all, which done at once is one long task that stalls input and frames.
 */
const chartWorkPerFrameMs = 6;

/** Insertion-ordered, and a job queued again before it ran runs once. */
const queued = new Set<() => void>();
let frame = 0;

export function queueChartWork(job: () => void): void {
  queued.add(job);
  if (frame === 0) frame = requestAnimationFrame(runQueued);
}

export function cancelChartWork(job: () => void): void {
  queued.delete(job);
}

function runQueued(): void {
  frame = 0;
  const startedMs = performance.now();
  for (const job of queued) {
    queued.delete(job);
    job();
    if (performance.now() - startedMs >= chartWorkPerFrameMs) break;
  }
  if (queued.size > 0) frame = requestAnimationFrame(runQueued);
}
