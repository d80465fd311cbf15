// `sas-acd traffic`: generate a trace from a scenario, check a trace or a scenario file.
import { writeFileSync, readFileSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import type { Command, CommanderError } from 'commander';
import { scenarioTraffic } from '../../simulator/traffic/generate.js';
import { profileFromEvents } from '../../simulator/traffic/history-profile.js';
import {
  formatScenarioErrors,
  loadScenarioFile,
  scenarioLines,
  type Scenario,
} from '../../simulator/traffic/scenario.js';
import { formatTraceErrors, type TraceCall } from '../../simulator/traffic/trace.js';
import { parseTrace } from '../../simulator/traffic/trace-parse.js';
import { formatTrace } from '../../simulator/traffic/trace-write.js';

const usageExit = (err: CommanderError) => process.exit(err.exitCode === 0 ? 0 : 2);

/** Counts per qualification and per line, and the realised rate: what a trace holds. */
export function summarise(calls: readonly TraceCall[], hours: number) {
  const count = (key: (c: TraceCall) => string) =>
    calls.reduce<Record<string, number>>((acc, c) => ((acc[key(c)] = (acc[key(c)] ?? 0) + 1), acc), {});
  return {
    calls: calls.length,
    hours,
    callsPerHour: calls.length / hours,
    qualification: count((c) => c.qualification),
    lines: count((c) => c.line),
    toDoctor: calls.filter((c) => c.regulationTalkS !== null).length,
    toBooking: calls.filter((c) => c.bookingTalkS !== null).length,
    neverHangUp: calls.filter((c) => c.patienceS === null).length,
  };
}

function load(path: string): Scenario | string {
  let r;
  try {
    r = loadScenarioFile(path);
  } catch (e) {
    return `cannot read scenario ${path}: ${(e as Error).message}`;
  }
  return r.ok ? r.scenario : `scenario ${path} is not valid:\n${formatScenarioErrors(r.errors)}`;
}

export function registerTraffic(program: Command): void {
  const traffic = program
    .command('traffic')
    .description('traffic traces and scenarios: generate, check')
    .exitOverride(usageExit);

  traffic
    .command('generate')
    .description('generate a trace (CSV) from a scenario (JSON), seeded')
    .requiredOption('--scenario <file>', 'scenario file (JSON, see docs/traffic.md)')
    .requiredOption('--out <file>', 'trace file to write (CSV)')
    .option('--seed <n>', "override the scenario's seed")
    .option('--json', 'print a machine-readable summary only')
    .exitOverride(usageExit)
    .action((opts: { scenario: string; out: string; seed?: string; json?: boolean }) => {
      const s = load(opts.scenario);
      if (typeof s === 'string') {
        console.error(`error: ${s}`);
        process.exitCode = 2;
        return;
      }
      if (opts.seed !== undefined) {
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
          console.error(`error: --seed must be an integer in [0, 2^32), got "${opts.seed}"`);
          process.exitCode = 2;
          return;
        }
        s.seed = seed;
      }
      const showBar = !opts.json && process.stderr.isTTY;
      const bar = new SingleBar(
        { format: 'generating {bar} {percentage}% | {value}/{total} h' },
        Presets.shades_classic,
      );
      if (showBar) bar.start(Math.ceil(s.hours), 0);
      const r = scenarioTraffic(s, {
        onProgress: showBar ? (t) => bar.update(Math.floor(t / 3600)) : undefined,
      });
      if (showBar) bar.stop();
      if (!r.ok) {
        console.error(`error: trace ${s.arrivals.trace ?? ''} is not valid:\n${formatTraceErrors(r.errors)}`);
        process.exitCode = 2;
        return;
      }
      writeFileSync(opts.out, formatTrace(r.calls));
      const summary = { ...summarise(r.calls, s.hours), seed: s.seed, out: opts.out };
      if (opts.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      console.log(
        `${summary.calls} calls over ${s.hours} h (${summary.callsPerHour.toFixed(1)} per hour) → ${opts.out}`,
      );
      console.log(`qualification: ${JSON.stringify(summary.qualification)}`);
      console.log(`lines: ${JSON.stringify(summary.lines)}`);
    });

  traffic
    .command('check')
    .description('check a trace (CSV) or a scenario (JSON); every error is named by line or field')
    .argument('<file>', 'a .csv trace or a .json scenario')
    .option('--lines <list>', "for a trace: the site's lines, comma-separated (e.g. 15,116117,sdis)")
    .option('--json', 'print a machine-readable result only')
    .exitOverride(usageExit)
    .action((file: string, opts: { lines?: string; json?: boolean }) => {
      const report = (ok: boolean, body: Record<string, unknown>, text: string) => {
        console.log(opts.json ? JSON.stringify({ ok, ...body }) : text);
        if (!ok) process.exitCode = 2;
      };
      if (file.endsWith('.json')) {
        const s = load(file);
        if (typeof s === 'string') return report(false, { error: s }, s);
        return report(true, { lines: Object.keys(scenarioLines(s)) }, `${file}: valid scenario`);
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        return report(false, { error: (e as Error).message }, `cannot read ${file}: ${(e as Error).message}`);
      }
      const knownLines = opts.lines
        ?.split(',')
        .map((l) => l.trim())
        .filter(Boolean);
      const r = parseTrace(text, { knownLines });
      if (!r.ok) return report(false, { errors: r.errors }, formatTraceErrors(r.errors));
      return report(true, { calls: r.calls.length }, `${file}: valid trace, ${r.calls.length} calls`);
    });

  traffic
    .command('profile')
    .description('build an arrival profile (15 min × day of week) from recorded events')
    .requiredOption(
      '--from-history <file>',
      'exported events, one JSON object a line (CallArrived events are used)',
    )
    .option('--zone <iana>', 'time zone of the site', 'Europe/Paris')
    .option('--out <file>', 'write the profile (JSON) to this file instead of stdout')
    .option('--json', 'print machine-readable JSON only')
    .exitOverride(usageExit)
    .action((opts: { fromHistory: string; zone: string; out?: string; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(opts.fromHistory, 'utf8');
      } catch (e) {
        console.error(`error: cannot read ${opts.fromHistory}: ${(e as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const r = profileFromEvents(text, { zone: opts.zone, source: opts.fromHistory });
      if (!r.ok) {
        console.error(
          `error: ${opts.fromHistory}:\n${r.errors.map((e) => `line ${e.line}: ${e.message}`).join('\n')}`,
        );
        process.exitCode = 2;
        return;
      }
      const json = JSON.stringify(r.profile, null, opts.out ? 2 : undefined);
      if (opts.out) {
        writeFileSync(opts.out, `${json}\n`);
        if (!opts.json) {
          console.log(
            `${r.profile.arrivals} arrivals over ${r.profile.days} days (${r.profile.callsPerDay.toFixed(1)} per day) → ${opts.out}`,
          );
          console.log(
            'use in a scenario: "arrivals": { "callsPerDay", "hourlyProfile", "dayOfWeek" } from that file',
          );
        } else
          console.log(
            JSON.stringify({ ok: true, out: opts.out, arrivals: r.profile.arrivals, days: r.profile.days }),
          );
        return;
      }
      console.log(json);
    });
}
