// The twin's HTML report: one self-contained file (inline CSS and SVG, no script, no CDN) with
// the figures and charts of QS 30 s per interval, waits per queue and occupancy per level. When the
// scenario calls itself illustrative, every table and chart says so.
import type { TwinResults } from './run-twin.js';
import type { TwinSeries } from './results.js';
import { barChart, escapeHtml, lineChart, type ChartSeries } from './svg-chart.js';

const pct = (v: number) => `${(100 * v).toFixed(0)} %`;
const num = (v: unknown, digits = 1) => (typeof v === 'number' ? v.toFixed(digits) : '—');

/** Hours per chart bucket: hourly up to two weeks, then daily. */
function bucketHours(hours: number): number {
  return hours <= 336 ? 1 : 24;
}

function bucketLabels(hours: number, size: number): string[] {
  const n = Math.ceil(hours / size);
  return Array.from({ length: n }, (_, i) =>
    size === 1
      ? hours <= 24
        ? `${String(i % 24).padStart(2, '0')}h`
        : `d${Math.floor(i / 24) + 1} ${String(i % 24).padStart(2, '0')}h`
      : `day ${i + 1}`,
  );
}

/** Sums an hourly array into buckets of `size` hours. */
function bucket(values: number[], size: number): number[] {
  const out = new Array<number>(Math.ceil(values.length / size)).fill(0);
  values.forEach((v, i) => (out[Math.floor(i / size)]! += v));
  return out;
}

const divide = (a: number[], b: number[], scale = 1) =>
  a.map((v, i) => (b[i]! > 0 ? v / b[i]! / scale : null));

function charts(series: TwinSeries, tag: string): string[] {
  const size = bucketHours(series.hours);
  const labels = bucketLabels(series.hours, size);
  const per = size === 1 ? 'hour' : 'day';
  // Hourly over several days: label each day's midnight (every few days on long runs).
  const labelEvery =
    size === 1 && series.hours > 24 ? 24 * Math.ceil(series.hours / 24 / 12) : size === 1 ? 2 : undefined;
  const queueIds = Object.keys(series.queues).filter((q) => series.queues[q]!.answered.some((v) => v > 0));
  const qs: ChartSeries[] = [
    {
      name: 'SAS calls (annex 3)',
      values: divide(bucket(series.calls.within, size), bucket(series.calls.answered, size)),
    },
    ...queueIds.map((q) => ({
      name: q,
      values: divide(bucket(series.queues[q]!.within, size), bucket(series.queues[q]!.answered, size)),
    })),
  ];
  const waits: ChartSeries[] = queueIds.map((q) => ({
    name: q,
    values: divide(bucket(series.queues[q]!.waitSumMs, size), bucket(series.queues[q]!.answered, size), 1000),
  }));
  const occupancy: ChartSeries[] = Object.keys(series.busyMs)
    .filter((s) => series.loggedInMs[s]!.some((v) => v > 0))
    .map((s) => ({
      name: s,
      values: divide(bucket(series.busyMs[s]!, size), bucket(series.loggedInMs[s]!, size)),
    }));
  return [
    lineChart({
      title: `QS 30 s per ${per} (answered within 30 s / answered; queues from entry into the queue)${tag}`,
      xLabels: labels,
      labelEvery,
      yLabel: 'QS 30 s',
      series: qs,
      yMax: 1,
      format: pct,
    }),
    lineChart({
      title: `Mean wait of answered calls per ${per}, from entry into each queue (seconds)${tag}`,
      xLabels: labels,
      labelEvery,
      yLabel: 'seconds',
      series: waits,
    }),
    lineChart({
      title: `Occupancy per level and ${per} (time on calls and in wrap-up / logged-in time)${tag}`,
      xLabels: labels,
      labelEvery,
      yLabel: 'occupancy',
      series: occupancy,
      yMax: 1,
      format: pct,
    }),
    barChart({
      title: `Calls arrived per ${per} (first attempts and retrials)${tag}`,
      categories: labels,
      labelEvery,
      yLabel: 'calls',
      series: [{ name: 'arrived', values: bucket(series.calls.arrived, size) }],
    }),
  ];
}

/** A figure with its 95 % interval when there are replications. */
function cell(value: unknown, ci: unknown, digits: number): string {
  const v = num(value, digits);
  if (!Array.isArray(ci)) return v;
  return `${v} <small>[${num(ci[0], digits)} – ${num(ci[1], digits)}]</small>`;
}

function table(
  title: string,
  rows: Record<string, Record<string, unknown>>,
  ci: unknown,
  columns: [string, string, number][],
): string {
  const ciRows = (ci ?? {}) as Record<string, Record<string, unknown>>;
  const head = `<tr><th></th>${columns.map(([, label]) => `<th>${escapeHtml(label)}</th>`).join('')}</tr>`;
  const body = Object.entries(rows)
    .map(
      ([id, row]) =>
        `<tr><th>${escapeHtml(id)}</th>${columns
          .map(([key, , digits]) => `<td>${cell(row[key], ciRows[id]?.[key], digits)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<table><caption>${escapeHtml(title)}</caption>${head}${body}</table>`;
}

export function renderTwinReport(r: TwinResults, opts: { scenarioPath?: string } = {}): string {
  const illustrative = r.scenario.illustrative;
  const tag = illustrative ? ' — illustrative scenario' : '';
  const ci = (r.ci95 ?? {}) as Record<string, unknown>;
  const queueCols: [string, string, number][] = [
    ['offered', 'offered', 0],
    ['answered', 'answered', 0],
    ['abandoned', 'abandoned', 0],
    ['qs30', 'QS 30 s', 3],
    ['meanWaitSeconds', 'mean wait (s)', 1],
    ['p90WaitSeconds', 'p90 wait (s)', 1],
    ['probabilityOfWaiting', 'P(wait)', 3],
  ];
  const lineCols: [string, string, number][] = [
    ['offered', 'offered', 0],
    ['answered', 'answered', 0],
    ['abandoned', 'abandoned before answer', 0],
    ['qs30', 'QS 30 s', 3],
    ['meanWaitSeconds', 'mean wait to first answer (s)', 1],
  ];
  const callsRow = { calls: r.calls as unknown as Record<string, unknown> };
  const callCols: [string, string, number][] = [
    ['arrived', 'arrived', 0],
    ['retrials', 'of which retrials', 0],
    ['answeredBySas', 'answered by the SAS', 0],
    ['qs30', 'QS 30 s', 3],
    ['abandoned', 'abandoned before answer', 0],
    ['lostAfterTriage', 'lost after triage', 0],
    ['stillInProgress', 'still in progress', 0],
  ];
  const occupancy = {
    occupancy: Object.fromEntries(Object.entries(r.occupancy).filter(([, v]) => v !== null)),
  };
  const occCols = Object.keys(occupancy.occupancy).map((k): [string, string, number] => [k, k, 3]);
  const banner = illustrative
    ? `<p class="warn"><strong>Illustrative scenario.</strong> Every number in this report comes from made-up inputs (volumes, durations, shares, staff); the source documents give none. Do not size a real SAS on it.</p>`
    : '';
  const reps =
    r.replications > 1
      ? `Means of ${r.replications} independent replications; brackets: 95 % confidence interval (Student's t). Charts: replication 1.`
      : 'One run (no replications: no confidence interval).';
  const sections = [
    banner,
    `<p>Scenario ${escapeHtml(opts.scenarioPath ?? '')} — seed ${r.scenario.seed}, ${r.scenario.hours} h, mode ${escapeHtml(r.scenario.mode)}. ${escapeHtml(r.scenario.description ?? '')}</p>`,
    `<p>${escapeHtml(reps)} The routing is the production engine (src/core) driven in virtual time; every figure comes from the indicators reducer. A call is counted once, at its first answer; queue waits run from entry into each queue.</p>`,
    table(`Calls${tag}`, callsRow, { calls: ci['calls'] }, callCols),
    table(
      `Queues${tag}`,
      r.queues as unknown as Record<string, Record<string, unknown>>,
      ci['queues'],
      queueCols,
    ),
    table(
      `Lines${tag}`,
      r.lines as unknown as Record<string, Record<string, unknown>>,
      ci['lines'],
      lineCols,
    ),
    occCols.length > 0
      ? table(`Occupancy per level${tag}`, occupancy, { occupancy: ci['occupancy'] }, occCols)
      : '',
    ...(r.series ? charts(r.series, tag) : ['<p>No hourly series in these results.</p>']),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Digital twin report${escapeHtml(tag)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
caption{font-weight:bold;text-align:left;padding:4px 0}small{color:#666}
.warn{background:#fff3cd;border:1px solid #e0c36b;padding:8px}figure{margin:1.5em 0}figcaption{font-size:13px;color:#444}
</style></head><body>
<h1>Digital twin report${escapeHtml(tag)}</h1>
${sections.join('\n')}
</body></html>
`;
}
