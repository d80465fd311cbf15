// `sas-acd simulate twin`: a scenario through the digital twin (the routing engine in virtual
// time), its figures as a table or JSON, and an HTML report with charts.
import { writeFileSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import type { Command, CommanderError } from 'commander';
import { formatScenarioErrors } from '../../simulator/traffic/scenario.js';
import { renderTwinReport } from '../../simulator/twin/report-html.js';
import { runTwin, type TwinResults } from '../../simulator/twin/run-twin.js';
import { loadTwinScenarioFile, type TwinScenario } from '../../simulator/twin/twin-scenario.js';
import { readSiteConfigFile, TwinSiteError } from '../../simulator/twin/site-from-config.js';
import { registerReplay } from './simulate-replay.js';

const usageExit = (err: CommanderError) => process.exit(err.exitCode === 0 ? 0 : 2);

type TwinOptions = {
  scenario: string;
  replications: string;
  seed?: string;
  json?: boolean;
  report?: string;
  config?: string;
};

/** A bad option or file: reported on stderr, exit code 2. */
class UsageError extends Error {}

function loadScenario(path: string): TwinScenario {
  let r;
  try {
    r = loadTwinScenarioFile(path);
  } catch (e) {
    throw new UsageError(`cannot read scenario ${path}: ${(e as Error).message}`);
  }
  if (!r.ok) throw new UsageError(`scenario ${path} is not valid:\n${formatScenarioErrors(r.errors)}`);
  return r.twin;
}

function integer(name: string, raw: string, min: number, max: number): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < min || v > max)
    throw new UsageError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return v;
}

const pct = (v: number | null | undefined) => (typeof v === 'number' ? `${(100 * v).toFixed(1)} %` : '—');
const sec = (v: number | null | undefined) => (typeof v === 'number' ? `${v.toFixed(1)} s` : '—');

/** The figures as a few readable lines (the JSON holds everything). */
export function formatTwinText(r: TwinResults): string {
  const out: string[] = [];
  if (r.scenario.illustrative)
    out.push('ILLUSTRATIVE scenario: every figure below comes from made-up inputs.');
  const c = r.calls;
  out.push(
    `calls: ${Math.round(c.arrived)} arrived (${Math.round(c.retrials)} retrials), ${Math.round(c.answeredBySas)} answered by the SAS, QS 30 s ${pct(c.qs30)}, ${Math.round(c.abandoned)} abandoned before any answer` +
      (r.replications > 1 ? ` — means of ${r.replications} replications` : ''),
  );
  out.push('queue      offered  answered  abandoned  QS 30 s   mean wait  p90 wait  occupancy');
  for (const [id, q] of Object.entries(r.queues)) {
    out.push(
      `${id.padEnd(10)} ${String(Math.round(q.offered)).padStart(7)}  ${String(Math.round(q.answered)).padStart(8)}  ${String(Math.round(q.abandoned)).padStart(9)}  ${pct(q.qs30).padStart(7)}  ${sec(q.meanWaitSeconds).padStart(10)}  ${sec(q.p90WaitSeconds).padStart(8)}  ${pct(r.occupancy[id]).padStart(9)}`,
    );
  }
  for (const [id, l] of Object.entries(r.lines)) {
    out.push(
      `line ${id}: ${Math.round(l.offered)} offered, ${Math.round(l.answered)} answered, mean wait ${sec(l.meanWaitSeconds)}`,
    );
  }
  return out.join('\n');
}

function runCommand(opts: TwinOptions): void {
  const { scenario, linePriorities } = loadScenario(opts.scenario);
  const replications = integer('--replications', opts.replications, 1, 1000);
  if (opts.seed !== undefined) scenario.seed = integer('--seed', opts.seed, 0, 2 ** 32 - 1);
  let site;
  try {
    site = opts.config ? readSiteConfigFile(opts.config) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const showBar = !opts.json && process.stderr.isTTY;
  const bar = new SingleBar({ format: 'simulating {bar} {percentage}%' }, Presets.shades_classic);
  if (showBar) bar.start(100, 0);
  let results: TwinResults;
  try {
    results = runTwin(scenario, {
      replications,
      linePriorities,
      ...(site ? { site } : {}),
      withSeries: opts.report !== undefined,
      onProgress: showBar ? (done) => bar.update(Math.floor(done * 100)) : undefined,
    });
  } catch (e) {
    if (e instanceof RangeError || e instanceof TwinSiteError || /not valid/.test((e as Error).message))
      throw new UsageError((e as Error).message);
    throw e;
  } finally {
    if (showBar) bar.stop();
  }
  const figures: Partial<TwinResults> = { ...results };
  delete figures.series; // hourly sums: for the report only
  if (opts.report) writeFileSync(opts.report, renderTwinReport(results, { scenarioPath: opts.scenario }));
  if (opts.json) console.log(JSON.stringify(figures));
  else {
    console.log(formatTwinText(results));
    if (opts.report) console.log(`report → ${opts.report}`);
  }
}

export function registerSimulate(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('simulations of the SAS: the digital twin, the replay through the live system')
    .exitOverride(usageExit);
  registerReplay(simulate, usageExit);

  simulate
    .command('twin')
    .description('run a scenario through the digital twin (the routing engine in virtual time)')
    .requiredOption('--scenario <file>', 'scenario file (JSON, see docs/traffic.md and docs/twin.md)')
    .option('--replications <n>', 'independent replications, figures with 95 % confidence intervals', '1')
    .option('--seed <n>', "override the scenario's seed")
    .option(
      '--config <file>',
      "run the site's own configuration (lines, queues, overflow, routing, modes, calendar); default: a clean theory site",
    )
    .option('--json', 'print machine-readable JSON only')
    .option('--report <file>', 'write a self-contained HTML report with charts')
    .exitOverride(usageExit)
    .action((opts: TwinOptions) => {
      try {
        runCommand(opts);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        console.error(`error: ${e.message}`);
        process.exitCode = 2;
      }
    });
}
