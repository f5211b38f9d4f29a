import { memo, useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DashboardSecond } from '../../../../shared/protocol.ts';
import { tallyStore } from '../../state/store.ts';
import { cancelChartWork, queueChartWork } from './chart-work.ts';
import { breakAtGaps, chartColors, rangeLabels, visibleSeconds } from './dashboard-data.ts';

export interface ChartLine {
  label: string;
  color: string;
  /** The y scale it is drawn against (default `y`). */
  scale?: string;
  /** A light area under the line. */
  fill?: boolean;
  /** Points only, no line: moments (e.g. sold out), null elsewhere. */
  markers?: boolean;
  dash?: number[];
}

export interface ChartScale {
  key: string;
  side: 'left' | 'right';
  tick?: (value: number) => string;
  /** Counts and rates start at zero; totals (money) fit their data. */
  fromZero?: boolean;
}

/** One column per line, aligned with `seconds`. */
export type ChartColumns = (seconds: readonly DashboardSecond[]) => Array<Array<number | null>>;
/** The chart's text alternative: what the latest values are, in words. */
export type ChartDescription = (seconds: readonly DashboardSecond[], rangeLong: string) => string;

interface TimeChartProps {
  /** The chart's accessible name. */
  label: string;
  heightPx: number;
  lines: readonly ChartLine[];
  scales?: readonly ChartScale[];
  columns: ChartColumns;
  describe: ChartDescription;
  /** A sparkline: no time axis, a narrow value axis, no legend. */
  compact?: boolean;
}

/** Charts this close to the viewport (px) are drawn as if in it, so scrolling seldom meets a stale one. */
const chartDrawMarginPx = 200;

const countScales: readonly ChartScale[] = [{ key: 'y', side: 'left', fromZero: true }];
const axisFont = '12px Inter, system-ui, sans-serif';

/** A value axis as wide as its longest label (uPlot's recipe), so "1,000 ms" or "$1.5K" is never cut. */
function fitValues(chart: uPlot, values: string[] | null, axisIndex: number, cycle: number): number {
  const axis = chart.axes[axisIndex]!;
  if (cycle > 1) return (axis as { _size?: number })._size ?? 40;
  const longest = (values ?? []).reduce((held, value) => (value.length > held.length ? value : held), '');
  chart.ctx.font = axisFont;
  const textWidthPx = longest === '' ? 0 : chart.ctx.measureText(longest).width;
  return Math.ceil((axis.ticks?.size ?? 4) + (axis.gap ?? 5) + textWidthPx + 4);
}

const minuteTick = uPlot.fmtDate('{HH}:{mm}');
const secondTick = uPlot.fmtDate('{HH}:{mm}:{ss}');

/** 24-hour clock times, with seconds only when the ticks are less than a minute apart. */
function clockTicks(_chart: uPlot, splits: number[]): string[] {
  const stepSeconds = splits.length > 1 ? splits[1]! - splits[0]! : 60;
  const format = stepSeconds % 60 === 0 ? minuteTick : secondTick;
  return splits.map((atSeconds) => format(new Date(atSeconds * 1000)));
}

function countTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Where the time axis ends and how much it shows; updated before each setData. */
interface TimeWindow {
  endSeconds: number;
  rangeSeconds: number;
}

function chartOptions(props: TimeChartProps, widthPx: number, timeWindow: TimeWindow): uPlot.Options {
  const scales = props.scales ?? countScales;
  const yScales: uPlot.Scales = {};
  for (const scale of scales) {
    yScales[scale.key] = scale.fromZero ? { range: (_chart, _min, max) => [0, max === null || max <= 0 ? 1 : max * 1.1] } : {};
  }
  const grid = { stroke: chartColors.grid, width: 1 };
  const ticks = { stroke: chartColors.grid, width: 1, size: 4 };
  const xAxis: uPlot.Axis = props.compact ? { show: false } : { stroke: chartColors.axis, font: axisFont, grid, ticks, space: 80, values: clockTicks };
  const yAxes: uPlot.Axis[] = scales.map((scale, index) => ({
    scale: scale.key,
    side: scale.side === 'left' ? 3 : 1,
    stroke: chartColors.axis,
    font: axisFont,
    size: fitValues,
    grid: index === 0 ? grid : { show: false },
    ticks,
    values: (_chart, splits) => splits.map(scale.tick ?? countTick),
  }));
  return {
    width: widthPx,
    height: props.heightPx,
    legend: { show: false },
    cursor: { show: false },
    // Room on the right for the last time label when no value axis is there.
    padding: [10, props.scales?.some((scale) => scale.side === 'right') ? 0 : 24, props.compact ? 4 : 0, 0],
    scales: { x: { time: true, range: () => [timeWindow.endSeconds - timeWindow.rangeSeconds, timeWindow.endSeconds] }, ...yScales },
    axes: [xAxis, ...yAxes],
    series: [{}, ...props.lines.map(lineSeries)],
  };
}

function lineSeries(line: ChartLine): uPlot.Series {
  const common = { label: line.label, scale: line.scale ?? 'y', stroke: line.color };
  if (line.markers) return { ...common, paths: () => null, points: { show: true, size: 9, width: 2, stroke: line.color, fill: '#ffffff' } };
  return {
    ...common,
    width: 2,
    points: { show: false },
    ...(line.fill ? { fill: `${line.color}1f` } : {}),
    ...(line.dash ? { dash: line.dash } : {}),
  };
}

/**
 * A uPlot time chart of the selected range, created once: it reads the store itself and calls
 * setData at most once per new second, in a frame's share of chart work, so a new second never
 * re-renders React; out of sight it is not drawn until it comes into view. Its text alternative
 * (the latest values) is rewritten with each new second, and is not a live region.
 */
export const TimeChart = memo(function TimeChart(props: TimeChartProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const summaryId = useId();

  useEffect(() => {
    const plot = plotRef.current!;
    const timeWindow: TimeWindow = { endSeconds: Date.now() / 1000, rangeSeconds: tallyStore.getState().dashboardRangeSeconds };
    let chart: uPlot | null = null;
    // A chart out of sight keeps its text alternative current but is drawn only when it comes into view.
    let inView = true;
    let drawnStale = false;
    const draw = (evenOutOfSight = false) => {
      if (chart === null) return;
      const state = tallyStore.getState();
      const seconds = visibleSeconds(state);
      summaryRef.current!.textContent = props.describe(seconds, rangeLabels[state.dashboardRangeSeconds].long);
      drawnStale = !inView && !evenOutOfSight;
      if (drawnStale) return;
      const newest = seconds[seconds.length - 1];
      timeWindow.endSeconds = newest === undefined ? Date.now() / 1000 : newest.at / 1000;
      timeWindow.rangeSeconds = state.dashboardRangeSeconds;
      chart.setData(breakAtGaps(seconds, props.columns(seconds)));
    };
    // Drawn once it has been in sight, even if scrolled away again before its turn came.
    const drawCameIntoView = () => draw(true);
    const create = () => {
      chart = new uPlot(chartOptions(props, Math.max(plot.clientWidth, 120), timeWindow), [[], ...props.lines.map(() => [])], plot);
      draw();
    };
    // Created and redrawn a few charts per frame, never all at once (chart-work.ts), starting the
    // frame after the one that shows the page, which then waits for no chart.
    const shownFrame = requestAnimationFrame(() => queueChartWork(create));
    const drawNewSecond = () => draw();
    const unsubscribe = tallyStore.subscribe((state, previous) => {
      if (state.dashboardSeconds !== previous.dashboardSeconds || state.dashboardRangeSeconds !== previous.dashboardRangeSeconds) queueChartWork(drawNewSecond);
    });
    const observer = new ResizeObserver((entries) => {
      const widthPx = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (chart !== null && widthPx > 0 && widthPx !== chart.width) chart.setSize({ width: widthPx, height: props.heightPx });
    });
    observer.observe(plot);
    const sight = new IntersectionObserver(
      (entries) => {
        inView = entries[entries.length - 1]?.isIntersecting ?? inView;
        if (inView && drawnStale) queueChartWork(drawCameIntoView);
      },
      { rootMargin: `${chartDrawMarginPx}px 0px` },
    );
    sight.observe(plot);
    return () => {
      cancelAnimationFrame(shownFrame);
      unsubscribe();
      observer.disconnect();
      sight.disconnect();
      cancelChartWork(create);
      cancelChartWork(drawNewSecond);
      cancelChartWork(drawCameIntoView);
      chart?.destroy();
    };
  }, [props]);

  return (
    <div className={props.compact ? 'chart chart--compact' : 'chart'}>
      <div ref={plotRef} className="chart__plot" role="img" aria-label={props.label} aria-describedby={summaryId} style={{ minHeight: props.heightPx }} />
      <p id={summaryId} ref={summaryRef} className="visually-hidden" />
      {!props.compact && (
        <ul className="chart__legend">
          {props.lines.map((line) => (
            <li key={line.label} className="chart__legend-item">
              <span
                className={line.markers ? 'chart__swatch chart__swatch--marker' : 'chart__swatch'}
                style={{ borderColor: line.color, backgroundColor: line.markers ? 'transparent' : line.color }}
                aria-hidden="true"
              />
              {line.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
