// `sas-acd simulate replay`: a trace (or a scenario's generated trace) through the live system, its
// ground truth from sim-pbx compared with the ACD's indicators (simulator/replay). Everything given
// is checked before anything starts: a bad trace is refused with its line numbers, exit code 2.
import { readFileSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import type { Command, CommanderError } from 'commander';
import { parseSiteConfig, type SiteConfig } from '../core/config.js';
import { exampleSite } from '../core/example-site.js';
import { parseChaos, type ChaosPlan } from '../../simulator/replay/chaos.js';
import { twinUnstaffable } from '../../simulator/replay/replay-twin.js';
import { runReplay, type ExternalUsers } from '../../simulator/replay/run-replay.js';
import {
  checkTraceAgainstSite,
  mgHoursWarning,
  parseStaff,
  pickSeats,
  type StaffPlan,
} from '../../simulator/replay/replay-site.js';
import { scenarioTraffic } from '../../simulator/traffic/generate.js';
import {
  formatScenarioErrors,
  loadScenarioFile,
  STEPS,
  type Scenario,
} from '../../simulator/traffic/scenario.js';
import { parseTrace } from '../../simulator/traffic/trace-parse.js';
import { formatTraceErrors, type TraceCall } from '../../simulator/traffic/trace.js';

type ReplayCliOptions = {
  trace?: string;
  scenario?: string;
  speed: string;
  staff?: string;
  staffFromScenario?: boolean;
  wrapUp?: string;
  config?: string;
  json?: boolean;
  acd?: string;
  pbx?: string;
  acdUsers?: string;
  chaos?: string[];
  twin?: boolean;
  toleranceMs: string;
};

/** A bad option or file: reported on stderr, exit code 2, nothing started. */
export class ReplayUsageError extends Error {}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new ReplayUsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

function number(name: string, raw: string, min: number, max: number): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max)
    throw new ReplayUsageError(`${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return v;
}

function loadConfig(path: string | undefined): SiteConfig {
  const parsed = parseSiteConfig(path ? readJson(path, 'site configuration') : exampleSite);
  if (!parsed.ok)
    throw new ReplayUsageError(
      `site configuration ${path ?? '(example)'} is not valid:\n${parsed.errors.join('\n')}`,
    );
  return parsed.config;
}

function loadCalls(
  o: ReplayCliOptions,
  config: SiteConfig,
): { calls: TraceCall[]; scenario: Scenario | null } {
  if ((o.trace === undefined) === (o.scenario === undefined))
    throw new ReplayUsageError('give exactly one of --trace and --scenario');
  const knownLines = config.lines.map((l) => l.id);
  if (o.trace !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.trace, 'utf8');
    } catch (e) {
      throw new ReplayUsageError(`cannot read trace ${o.trace}: ${(e as Error).message}`);
    }
    const r = parseTrace(text, { knownLines });
    if (!r.ok) throw new ReplayUsageError(`trace ${o.trace} is not valid:\n${formatTraceErrors(r.errors)}`);
    return { calls: r.calls, scenario: null };
  }
  let loaded;
  try {
    loaded = loadScenarioFile(o.scenario!);
  } catch (e) {
    throw new ReplayUsageError(`cannot read scenario ${o.scenario}: ${(e as Error).message}`);
  }
  if (!loaded.ok)
    throw new ReplayUsageError(
      `scenario ${o.scenario} is not valid:\n${formatScenarioErrors(loaded.errors)}`,
    );
  const traffic = scenarioTraffic(loaded.scenario);
  if (!traffic.ok)
    throw new ReplayUsageError(`the scenario's trace is not valid:\n${formatTraceErrors(traffic.errors)}`);
  return { calls: traffic.calls, scenario: loaded.scenario };
}

function staffOf(o: ReplayCliOptions, scenario: Scenario | null): StaffPlan {
  if (o.staff !== undefined && o.staffFromScenario)
    throw new ReplayUsageError('give --staff or --staff-from-scenario, not both');
  if (o.staff !== undefined) {
    try {
      return parseStaff(o.staff);
    } catch (e) {
      throw new ReplayUsageError((e as Error).message);
    }
  }
  if (!o.staffFromScenario)
    throw new ReplayUsageError('give --staff n1=2,n2-amu=1,… or --staff-from-scenario');
  if (!scenario?.staff) throw new ReplayUsageError('--staff-from-scenario needs a --scenario with "staff"');
  // Seats by the hour: the replay keeps the busiest hour's count all along.
  return Object.fromEntries(
    Object.entries(scenario.staff).map(([q, n]) => [q, Array.isArray(n) ? Math.max(...n) : (n as number)]),
  );
}

function chaosOf(specs: string[] | undefined, external: boolean): ChaosPlan {
  try {
    return parseChaos(specs ?? [], external);
  } catch (e) {
    throw new ReplayUsageError((e as Error).message);
  }
}

export type PreparedReplay = Parameters<typeof runReplay>[0];

/** Every check before anything starts. */
export function prepareReplay(o: ReplayCliOptions): PreparedReplay {
  const speed = number('--speed', o.speed, 0.01, 10_000);
  const wrapUpSeconds = o.wrapUp === undefined ? null : number('--wrap-up', o.wrapUp, 0, 86_400);
  const toleranceMs = number('--tolerance-ms', o.toleranceMs, 0, 60_000);
  const config = loadConfig(o.config);
  const { calls, scenario } = loadCalls(o, config);
  if (calls.length === 0) throw new ReplayUsageError('the trace has no call');
  const staff = staffOf(o, scenario);
  let seats;
  try {
    seats = pickSeats(config, staff);
  } catch (e) {
    throw new ReplayUsageError((e as Error).message);
  }
  const problems = checkTraceAgainstSite(config, calls, seats);
  if (problems.length > 0) throw new ReplayUsageError(problems.join('\n'));
  // --pbx is the own stack's simulated PBX (asterisk, freeswitch), or with --acd the running sim-pbx's URL.
  const kind = o.pbx === 'asterisk' || o.pbx === 'freeswitch' ? o.pbx : undefined;
  const pbxUrl = kind === undefined ? o.pbx : undefined;
  if (pbxUrl !== undefined && !/^https?:\/\//.test(pbxUrl))
    throw new ReplayUsageError(
      `--pbx must be asterisk, freeswitch or the http(s) URL of a running sim-pbx, not "${pbxUrl}"`,
    );
  if ((o.acd === undefined) !== (pbxUrl === undefined))
    throw new ReplayUsageError(
      'give both --acd and --pbx URL (a running ACD and the sim-pbx it uses), or neither',
    );
  let external: PreparedReplay['external'];
  if (o.acd !== undefined) {
    if (!o.acdUsers)
      throw new ReplayUsageError('--acd needs --acd-users FILE (the supervisor and bot users)');
    external = {
      acdUrl: o.acd.replace(/\/$/, ''),
      pbxUrl: pbxUrl!.replace(/\/$/, ''),
      users: readJson(o.acdUsers, 'users') as ExternalUsers,
    };
  }
  const chaos = chaosOf(o.chaos, external !== undefined);
  if (kind === 'freeswitch' && chaos.dropAriAt.length > 0)
    throw new ReplayUsageError('--chaos drop-ari-at needs the Asterisk simulator (sim-fs has no ARI)');
  const notTwin = o.twin ? twinUnstaffable(staff) : [];
  if (notTwin.length > 0)
    throw new ReplayUsageError(
      `--twin staffs the twin's steps only (${STEPS.join(', ')}): not ${notTwin.join(', ')}`,
    );
  return {
    calls,
    config,
    speed,
    staff,
    wrapUpSeconds,
    toleranceMs,
    chaos,
    twin: o.twin === true,
    pbx: kind ?? 'asterisk',
    ...(external ? { external } : {}),
  };
}

export function registerReplay(simulate: Command, usageExit: (err: CommanderError) => void): void {
  simulate
    .command('replay')
    .description(
      'replay a trace through the live system (sim-pbx, sas-acd serve, Redis) and reconcile the ACD with the PBX',
    )
    .option('--trace <file>', 'trace file (CSV, docs/traffic.md)')
    .option('--scenario <file>', 'scenario file (JSON): its generated trace, with its seed')
    .option('--speed <k>', 'simulated seconds per real second', '1')
    .option('--staff <plan>', 'bot agents per queue, e.g. n1=2,n2-amu=1,n2-mg=1')
    .option('--staff-from-scenario', "bot agents from the scenario's staff (the busiest hour's count)")
    .option('--wrap-up <seconds>', "bots' wrap-up in simulated seconds (default: each agent's own)")
    .option('--config <file>', 'site configuration (JSON; default: the example site)')
    .option('--acd <url>', 'a running ACD (with --pbx and --acd-users) instead of the own stack')
    .option(
      '--pbx <kind|url>',
      "the own stack's simulated PBX: asterisk (sim-pbx, the default) or freeswitch (sim-fs); with --acd, the running ACD's sim-pbx URL",
    )
    .option(
      '--acd-users <file>',
      'with --acd: {"supervisor": {username, password}, "agents": {agentId: {…}}}',
    )
    .option(
      '--chaos <spec...>',
      'kill-acd-at=S[,S…] (kill -9 the ACD and start it again), restart-redis-at=S[,S…] (kill -9 ' +
        'redis-server and start it again), drop-ari-at=S[:D][,…] (cut the ACD↔PBX link for D s, default 10)',
    )
    .option('--twin', 'also run the trace through the digital twin and show it beside the PBX and the ACD')
    .option('--tolerance-ms <ms>', 'real ms two processes may disagree on an instant', '500')
    .option('--json', 'print machine-readable JSON only')
    .exitOverride(usageExit)
    .action(async (opts: ReplayCliOptions) => {
      let prepared: PreparedReplay;
      try {
        prepared = prepareReplay(opts);
      } catch (e) {
        if (!(e instanceof ReplayUsageError)) throw e;
        console.error(`error: ${e.message}`);
        process.exitCode = 2;
        return;
      }
      const hours = mgHoursWarning(prepared.config, prepared.calls);
      if (hours && !opts.json) console.error(`warning: ${hours}`);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const showBar = !opts.json && process.stderr.isTTY;
      const bar = new SingleBar(
        { format: 'replay {bar} {value}/{total} calls ended', stream: process.stderr },
        Presets.shades_classic,
      );
      if (showBar) bar.start(prepared.calls.length, 0);
      try {
        const run = await runReplay({
          ...prepared,
          signal: abort.signal,
          onProgress: showBar ? (ended) => bar.update(ended) : undefined,
          onWarning: (m) => {
            if (!opts.json || process.env.REPLAY_VERBOSE) console.error(`warning: ${m}`);
          },
        });
        if (showBar) bar.stop();
        if (opts.json) console.log(JSON.stringify(run.report));
        else {
          console.log(run.table);
          const c = run.report.calls;
          console.log(`calls: ${c.lost} lost, ${c.duplicated} duplicated, ${c.stuck} stuck`);
          console.log(
            `${run.report.reconciled ? 'RECONCILED' : 'MISMATCH'}: ${prepared.calls.length} calls in ${run.realSeconds.toFixed(1)} s real at speed ${prepared.speed}`,
          );
        }
        for (const m of run.mismatches)
          console.error(`mismatch: ${m.queue} ${m.figure}: PBX ${m.groundTruth}, ACD ${m.acd}`);
        if (run.logDir) console.error(`the children's output is kept in ${run.logDir}`);
        process.exitCode = run.report.reconciled ? 0 : 1;
      } catch (e) {
        if (showBar) bar.stop();
        console.error(`error: ${(e as Error).message}`);
        process.exitCode = abort.signal.aborted ? 130 : 1;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}
