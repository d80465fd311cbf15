// `sas-acd sim-pbx conformance`: every trace in a folder replayed against its own sim-pbx, compared
// with what Asterisk did; a divergence fails its scenario unless the README accepts it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptance, loadAccepted } from './accepted.js';
import { compareEvents, compareResponse, routeOf } from './compare.js';
import type { Divergence, NewDivergence } from './divergence.js';
import { replayScenario } from './replay.js';
import type { Trace } from './trace.js';
import { loadTrace, scenarioName, traceFiles } from './trace.js';

export interface ScenarioResult {
  passed: boolean;
  divergences: Divergence[];
}

export interface ConformanceReport {
  scenarios: Record<string, ScenarioResult>;
}

export const DEFAULT_README = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

export interface ConformanceOptions {
  tracesDir: string;
  /** 0.1 (the default) replays ten times faster than recorded (virtual time; see replay.ts). */
  scale?: number;
  readme?: string | undefined;
  /** Scenarios replayed at once (each on its own sim-pbx). */
  parallel?: number;
}

export async function runScenario(trace: Trace, scale: number): Promise<NewDivergence[]> {
  const r = await replayScenario(trace, scale);
  const out: NewDivergence[] = [...r.problems];
  const ids = [...r.realLab.ids().keys()];
  for (const { req, sim } of r.requests) {
    const route = routeOf(req.method, req.path, ids);
    out.push(
      ...compareResponse(
        route,
        req.t_ms,
        { status: req.status, body: req.response },
        sim,
        r.realLab,
        r.simLab,
      ),
    );
  }
  out.push(...compareEvents(r.realEvents, r.simEvents));
  return out;
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const accepted = loadAccepted(options.readme ?? DEFAULT_README);
  // Every file is validated before anything runs: a bad one is named, and nothing is replayed.
  const traces = traceFiles(options.tracesDir).map((file) => {
    const trace = loadTrace(file);
    return { name: scenarioName(file, trace), trace };
  });
  const scale = options.scale ?? 0.1;
  const report: ConformanceReport = { scenarios: {} };
  const queue = [...traces];
  const workers = Array.from({ length: Math.max(1, options.parallel ?? 3) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const found = await runScenario(next.trace, scale);
      const divergences = found.map((d): Divergence => {
        const a = acceptance(accepted, next.name, d.code);
        return a ? { ...d, accepted: true, reason: a.reason } : { ...d, accepted: false };
      });
      report.scenarios[next.name] = { passed: divergences.every((d) => d.accepted), divergences };
    }
  });
  await Promise.all(workers);
  const sorted: ConformanceReport = { scenarios: {} };
  for (const { name } of traces) sorted.scenarios[name] = report.scenarios[name]!;
  return sorted;
}

export function formatReport(report: ConformanceReport): string {
  const lines: string[] = [];
  for (const [name, s] of Object.entries(report.scenarios)) {
    const open = s.divergences.filter((d) => !d.accepted);
    const acc = s.divergences.length - open.length;
    lines.push(`${s.passed ? 'PASS' : 'FAIL'} ${name} (${open.length} divergences, ${acc} accepted)`);
    for (const d of open) {
      lines.push(`  ${d.code}${d.t_ms !== undefined ? ` @${d.t_ms}ms` : ''}`);
      lines.push(`    asterisk: ${JSON.stringify(d.asterisk)}`);
      lines.push(`    sim-pbx:  ${JSON.stringify(d.sim)}`);
    }
  }
  return lines.join('\n');
}
