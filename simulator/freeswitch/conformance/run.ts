// `sas-acd sim-pbx conformance --pbx freeswitch`: every recorded drachtio-server + FreeSWITCH
// scenario replayed against its own sim-fs and compared message by message (kinds and order on each
// connection, not ids); a divergence fails its scenario unless simulator/freeswitch/README.md
// accepts it. Same report shape as the Asterisk runner.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptance, loadAccepted } from '../../pbx/conformance/accepted.js';
import { replayFsScenario, type Replay } from './replay.js';
import { loadTrace, scenarioName, traceFiles } from './trace.js';

export type FsDivergence = {
  code: string;
  kind: 'message' | 'order' | 'replay';
  freeswitch: unknown;
  sim: unknown;
  t_ms?: number;
  accepted: boolean;
  reason?: string;
};
export type FsConformanceReport = {
  scenarios: Record<string, { passed: boolean; divergences: Omit<FsDivergence, never>[] }>;
};

/** Messages FreeSWITCH sent this close together may come in either order (the sim's steps are not its). */
export const ORDER_SLACK_MS = 25;

export const FS_README = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** Per connection: labels the real servers sent that the sim did not (and the reverse), then order. */
export function compareReplay(r: Replay): Omit<FsDivergence, 'accepted' | 'reason'>[] {
  const out: Omit<FsDivergence, 'accepted' | 'reason'>[] = [];
  for (const p of r.problems)
    out.push({ code: p.code, kind: 'replay', freeswitch: null, sim: p.detail, t_ms: p.t_ms });
  const conns = new Set([...r.recorded.keys(), ...r.sim.keys()]);
  for (const conn of [...conns].sort()) {
    const real = r.recorded.get(conn) ?? [];
    const mine = (r.sim.get(conn) ?? []).map((s) => s.label);
    const left = [...mine];
    const missing: { t_ms: number; label: string }[] = [];
    for (const m of real) {
      const i = left.indexOf(m.label);
      if (i >= 0) left.splice(i, 1);
      else missing.push(m);
    }
    for (const m of missing)
      out.push({
        code: `missing ${conn} ${m.label}`,
        kind: 'message',
        freeswitch: m.label,
        sim: null,
        t_ms: m.t_ms,
      });
    for (const label of left)
      out.push({ code: `extra ${conn} ${label}`, kind: 'message', freeswitch: null, sim: label });
    // Order: each recorded message matched to the sim's first unused one with its label; a message
    // the sim sent before one that FreeSWITCH had sent more than ORDER_SLACK_MS earlier is out of order.
    const used = new Set<number>();
    let prev: { idx: number; t_ms: number }[] = [];
    for (const m of real) {
      const idx = mine.findIndex((l, i) => l === m.label && !used.has(i));
      if (idx < 0) continue;
      used.add(idx);
      const late = prev.find((p) => p.idx > idx && m.t_ms - p.t_ms > ORDER_SLACK_MS);
      if (late)
        out.push({
          code: `order ${conn} ${m.label}`,
          kind: 'order',
          freeswitch: m.t_ms,
          sim: `before ${mine[late.idx]}`,
          t_ms: m.t_ms,
        });
      prev.push({ idx, t_ms: m.t_ms });
      if (prev.length > 50) prev = prev.slice(-50);
    }
  }
  return out;
}

export async function runFsConformance(options: {
  tracesDir: string;
  scale?: number;
  readme?: string | undefined;
}): Promise<FsConformanceReport> {
  const accepted = loadAccepted(options.readme ?? FS_README);
  const traces = traceFiles(options.tracesDir).map((file) => {
    const trace = loadTrace(file);
    return { name: scenarioName(file, trace), trace };
  });
  const report: FsConformanceReport = { scenarios: {} };
  for (const { name, trace } of traces) {
    const found = compareReplay(await replayFsScenario(trace, options.scale ?? 0.25));
    const divergences = found.map((d): FsDivergence => {
      const a = acceptance(accepted, name, d.code);
      return a ? { ...d, accepted: true, reason: a.reason } : { ...d, accepted: false };
    });
    report.scenarios[name] = { passed: divergences.every((d) => d.accepted), divergences };
  }
  return report;
}

export function formatFsReport(report: FsConformanceReport): string {
  const lines: string[] = [];
  for (const [name, s] of Object.entries(report.scenarios)) {
    const open = s.divergences.filter((d) => !d.accepted);
    lines.push(
      `${s.passed ? 'PASS' : 'FAIL'} ${name} (${open.length} divergences, ${s.divergences.length - open.length} accepted)`,
    );
    for (const d of open) lines.push(`  ${d.code}${d.t_ms !== undefined ? ` @${Math.round(d.t_ms)}ms` : ''}`);
  }
  return lines.join('\n');
}
