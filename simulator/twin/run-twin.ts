// runTwin: the scenario's traffic through the twin, once or over independent replications (each
// with its own seed), figures averaged with 95 % confidence intervals.
import { scenarioTraffic } from '../traffic/generate.js';
import { deriveSeed } from '../traffic/prng.js';
import type { Scenario } from '../traffic/scenario.js';
import { formatTraceErrors } from '../traffic/trace.js';
import { combine, type Tree } from './confidence.js';
import { figuresOf, seriesOf, type TwinFigures, type TwinSeries } from './results.js';
import { simulate } from './simulate.js';
import type { SiteConfig } from '../../src/core/config.js';
import { buildTwinSite } from './site.js';
import { buildTwinSiteFromConfig } from './site-from-config.js';
import type { TwinScenario } from './twin-scenario.js';

export type RunTwinOptions = {
  /** Independent replications (default 1); replication 0 uses the scenario's seed. */
  replications?: number;
  /** Priority per line (larger = more urgent); lines not named get 1. */
  linePriorities?: Record<string, number>;
  /** Called now and then with the share of the work done, in [0, 1]. */
  onProgress?: (done: number) => void;
  /** Keep the hourly sums of replication 0 (for the HTML report). */
  withSeries?: boolean;
  /** Run the site's own configuration (site-from-config.ts) instead of the clean theory site. */
  site?: SiteConfig;
};

export type TwinResults = TwinFigures & {
  replications: number;
  /** With replications ≥ 2: a tree of the same shape as the figures holding [lo, hi] (95 %). */
  ci95: unknown;
  scenario: { seed: number; hours: number; illustrative: boolean; description: string | null; mode: string };
  engine: { commands: number; events: number; seconds: number };
  series?: TwinSeries;
};

/** A scenario whose description says so is illustrative: every figure from it is labelled. */
export function isIllustrative(s: Scenario): boolean {
  return /illustrati/i.test(s.description ?? '');
}

/** The seed of replication r (0 = the scenario's own). */
export function replicationSeed(seed: number, r: number): number {
  return r === 0 ? seed : deriveSeed(seed, 'replication', r);
}

/**
 * Runs a scenario through the twin. Takes a traffic scenario, or what `loadTwinScenarioFile` gives
 * (the scenario with its line priorities); `options.linePriorities` wins over the latter's.
 */
export function runTwin(input: Scenario | TwinScenario, options: RunTwinOptions = {}): TwinResults {
  const s = 'scenario' in input ? input.scenario : input;
  const linePriorities = options.linePriorities ?? ('scenario' in input ? input.linePriorities : {});
  const replications = options.replications ?? 1;
  if (!Number.isInteger(replications) || replications < 1)
    throw new RangeError(`replications must be an integer ≥ 1, got ${replications}`);
  if (replications > 1 && s.arrivals.trace !== undefined)
    throw new RangeError(
      'replications need generated arrivals: a trace file gives the same calls every time',
    );
  const site = options.site
    ? buildTwinSiteFromConfig(options.site, {
        ...s,
        linePriorities: { ...s.linePriorities, ...linePriorities },
      })
    : buildTwinSite(s, linePriorities);
  const figures: TwinFigures[] = [];
  let series: TwinSeries | undefined;
  let commands = 0;
  let events = 0;
  const t0 = performance.now();
  for (let r = 0; r < replications; r++) {
    const sr = { ...s, seed: replicationSeed(s.seed, r) };
    const traffic = scenarioTraffic(sr);
    if (!traffic.ok)
      throw new Error(`trace ${s.arrivals.trace ?? ''} is not valid:\n${formatTraceErrors(traffic.errors)}`);
    // A trace may run past the scenario's hours: only the calls arriving within them are played.
    const horizonS = s.hours * 3600;
    const calls = traffic.calls.filter((c) => c.arrivalS < horizonS);
    const run = simulate(sr, site, calls, {
      onProgress: options.onProgress
        ? (t, h) => options.onProgress!((r + (h > 0 ? t / h : 1)) / replications)
        : undefined,
    });
    commands += run.engineCommands;
    events += run.engineEvents;
    figures.push(figuresOf(sr, site, run));
    if (r === 0 && options.withSeries) series = seriesOf(site, run);
  }
  const combined =
    replications === 1
      ? { mean: figures[0]! as unknown as Tree, ci95: null }
      : combine(figures as unknown as Tree[]);
  return {
    ...(combined.mean as unknown as TwinFigures),
    replications,
    ci95: combined.ci95,
    scenario: {
      seed: s.seed,
      hours: s.hours,
      illustrative: isIllustrative(s),
      description: s.description ?? null,
      mode: s.mode,
    },
    engine: { commands, events, seconds: Number(((performance.now() - t0) / 1000).toFixed(3)) },
    ...(series ? { series } : {}),
  };
}
