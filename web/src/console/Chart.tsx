// A uPlot chart (time on x, several series) kept across renders: created once (again only when a
// series is renamed), fed with setData.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Axis figures readable from a few metres (uPlot's default is 12 px). */
const AXIS_FONT = '15px system-ui, sans-serif';

export type Series = { label: string; stroke: string; dash?: number[]; fmt?: (v: number) => string };

export function Chart(props: {
  title: string;
  series: Series[];
  data: [number[], ...(number | null)[][]];
  yRange?: [number, number];
  /** The x span shown (epoch seconds); default: the data's. */
  xWindow?: [number, number];
  yFormat?: (v: number) => string;
  timeZone?: string;
  /** Counts of calls: whole-number ticks only (no « 0,25 appel »). */
  counts?: boolean;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const win = useRef(props.xWindow);
  win.current = props.xWindow;
  useEffect(() => {
    if (!box.current) return;
    // Built once with the chart, not at each render (an Intl formatter is costly to make).
    const hhmm = new Intl.DateTimeFormat('fr-FR', {
      hour: '2-digit',
      minute: '2-digit',
      ...(props.timeZone ? { timeZone: props.timeZone } : {}),
    });
    const width = Math.max(280, box.current.clientWidth);
    plot.current = new uPlot(
      {
        width,
        height: 220,
        // The series' names and line styles only: uPlot's live values read « Heure: -- » with no
        // cursor, noise on a wall screen.
        legend: { show: true, live: false },
        ...(props.timeZone
          ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1e3), props.timeZone!) }
          : {}),
        scales: {
          x: {
            time: true,
            range: (_u, min, max) => win.current ?? [min, max],
          },
          ...(props.yRange ? { y: { range: props.yRange } } : {}),
        },
        axes: [
          {
            stroke: '#cbd5e1',
            font: AXIS_FONT,
            grid: { stroke: '#334155' },
            ticks: { stroke: '#334155' },
            // 24-hour French times in the site's time zone (uPlot's default is 10:00am).
            values: (_u: uPlot, ticks: number[]) => ticks.map((t) => hhmm.format(new Date(t * 1000))),
          },
          {
            stroke: '#cbd5e1',
            font: AXIS_FONT,
            size: 72,
            grid: { stroke: '#334155' },
            ticks: { stroke: '#334155' },
            ...(props.counts ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] } : {}),
            ...(props.yFormat ? { values: (_u: uPlot, ticks: number[]) => ticks.map(props.yFormat!) } : {}),
          },
        ],
        series: [
          { label: 'Heure' },
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            ...(s.dash ? { dash: s.dash } : {}),
            ...(s.fmt ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : s.fmt!(v)) } : {}),
          })),
        ],
      },
      props.data as uPlot.AlignedData,
      box.current,
    );
    return () => plot.current?.destroy();
    // Made again when a series is renamed (the target line's « Objectif 75 % » after a new target).
  }, [props.series.map((s) => s.label).join('\n')]);
  useEffect(() => plot.current?.setData(props.data as uPlot.AlignedData), [props.data]);
  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
