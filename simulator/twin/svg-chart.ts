// Small inline SVG charts for the twin's HTML report: lines over time and grouped bars. No
// library and no CDN: the report must open on a machine with no network.

export type ChartSeries = { name: string; values: (number | null)[] };

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const W = 900;
const H = 280;
const M = { left: 60, right: 160, top: 20, bottom: 40 };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Default tick format: whole numbers as they are, others with one decimal. */
const plain = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function axes(
  yMax: number,
  format: (v: number) => string,
  xLabels: string[],
  yLabel: string,
  labelEvery?: number,
): string[] {
  const out: string[] = [];
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  for (let i = 0; i <= 4; i++) {
    const y = M.top + plotH - (plotH * i) / 4;
    out.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + plotW}" y2="${y}" stroke="#ddd"/>`);
    out.push(
      `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${escapeHtml(format((yMax * i) / 4))}</text>`,
    );
  }
  const n = xLabels.length;
  const step = labelEvery ?? Math.max(1, Math.ceil(n / 12));
  for (let i = 0; i < n; i += step) {
    const x = M.left + (plotW * (i + 0.5)) / n;
    out.push(
      `<text x="${x.toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${escapeHtml(xLabels[i]!)}</text>`,
    );
  }
  out.push(
    `<text x="14" y="${M.top + plotH / 2}" font-size="11" transform="rotate(-90 14 ${M.top + plotH / 2})" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
  );
  return out;
}

function legend(names: string[]): string[] {
  return names.map((name, i) => {
    const y = M.top + 14 + i * 18;
    const x = W - M.right + 14;
    return `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 18}" y="${y + 1}" font-size="12">${escapeHtml(name)}</text>`;
  });
}

/** A line per series over the same x buckets; null values leave a gap. */
export function lineChart(opts: {
  title: string;
  xLabels: string[];
  yLabel: string;
  series: ChartSeries[];
  yMax?: number;
  format?: (v: number) => string;
  /** Label every n-th bucket on the x axis (default: about 12 labels). */
  labelEvery?: number;
}): string {
  const format = opts.format ?? plain;
  const all = opts.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = opts.yMax ?? niceMax(Math.max(0, ...all));
  const n = opts.xLabels.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const body = axes(yMax, format, opts.xLabels, opts.yLabel, opts.labelEvery);
  opts.series.forEach((s, k) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      const x = M.left + (plotW * (i + 0.5)) / n;
      const y = M.top + plotH - (plotH * Math.min(v, yMax)) / yMax;
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
      pen = true;
    });
    if (d) body.push(`<path d="${d}" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="1.6"/>`);
  });
  body.push(...legend(opts.series.map((s) => s.name)));
  return `<figure><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(opts.title)}">${body.join('')}</svg><figcaption>${escapeHtml(opts.title)}</figcaption></figure>`;
}

/** Grouped bars: one group per category, one bar per series. */
export function barChart(opts: {
  title: string;
  categories: string[];
  yLabel: string;
  series: ChartSeries[];
  yMax?: number;
  format?: (v: number) => string;
  /** Label every n-th bucket on the x axis (default: about 12 labels). */
  labelEvery?: number;
}): string {
  const format = opts.format ?? plain;
  const all = opts.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = opts.yMax ?? niceMax(Math.max(0, ...all));
  const n = opts.categories.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const body = axes(yMax, format, opts.categories, opts.yLabel, opts.labelEvery);
  const groupW = plotW / Math.max(1, n);
  const barW = (groupW * 0.8) / Math.max(1, opts.series.length);
  opts.series.forEach((s, k) => {
    s.values.forEach((v, i) => {
      if (v === null) return;
      const h = (plotH * Math.min(v, yMax)) / yMax;
      const x = M.left + groupW * i + groupW * 0.1 + barW * k;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${(M.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[k % COLORS.length]}"><title>${escapeHtml(`${s.name} ${opts.categories[i]}: ${format(v)}`)}</title></rect>`,
      );
    });
  });
  body.push(...legend(opts.series.map((s) => s.name)));
  return `<figure><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(opts.title)}">${body.join('')}</svg><figcaption>${escapeHtml(opts.title)}</figcaption></figure>`;
}
