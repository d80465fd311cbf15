// The scenario file (JSON): what traffic to generate and which team to test it on. Validated with
// zod; every error names the field path (e.g. "handlingSeconds.n2-mg.sd"). See docs/traffic.md.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import samuLike from './profiles/samu-like.json' with { type: 'json' };

const positive = z.number().positive();
const share = z.number().min(0).max(1);
const SHARE_TOLERANCE = 1e-6;

const distribution = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('exponential'), mean: positive }),
  z.strictObject({ dist: z.literal('lognormal'), mean: positive, sd: positive }),
  z.strictObject({ dist: z.literal('fixed'), mean: z.number().min(0) }),
]);

export const PROFILES = { 'samu-like': samuLike } as const;
export type ProfileName = keyof typeof PROFILES;

const hourly = z.array(z.number().min(0)).length(24);
const weekly = z.array(z.number().min(0)).length(7);

const arrivals = z
  .strictObject({
    /** Constant Poisson rate. */
    callsPerHour: z.number().min(0).optional(),
    /** Mean calls per day, spread by an hourly profile (and optionally by day of week). */
    callsPerDay: z.number().min(0).optional(),
    hourlyProfile: z.union([hourly, z.enum(Object.keys(PROFILES) as [ProfileName])]).optional(),
    dayOfWeek: weekly.optional(),
    /** ISO day the scenario starts on, at 00:00: 1 = Monday … 7 = Sunday. */
    startDayOfWeek: z.int().min(1).max(7).optional(),
    /** A trace file (CSV) instead of generated arrivals, relative to the scenario file. */
    trace: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    const given = (['callsPerHour', 'callsPerDay', 'trace'] as const).filter((k) => a[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of callsPerHour, callsPerDay (with hourlyProfile) or trace (got ${given.length === 0 ? 'none' : given.join(' and ')})`,
      });
    }
    if (a.callsPerDay !== undefined && a.hourlyProfile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['hourlyProfile'],
        message:
          'callsPerDay needs an hourlyProfile: 24 weights, or the name of a shipped profile ("samu-like")',
      });
    }
    if (a.callsPerDay === undefined) {
      for (const k of ['hourlyProfile', 'dayOfWeek', 'startDayOfWeek'] as const) {
        if (a[k] !== undefined)
          ctx.addIssue({ code: 'custom', path: [k], message: `${k} only goes with callsPerDay` });
      }
    }
    if (Array.isArray(a.hourlyProfile) && a.hourlyProfile.every((w) => w === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hourlyProfile'],
        message: 'at least one hour must have a weight > 0',
      });
    }
    if (a.dayOfWeek?.every((w) => w === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dayOfWeek'],
        message: 'at least one day must have a weight > 0',
      });
    }
  });

/** Staff on a step: a constant number of seats, or 24 numbers, one per hour of the day. */
const staffLevel = z.union([z.int().min(0), z.array(z.int().min(0)).length(24)]);
export const STEPS = ['n1', 'n2-amu', 'n2-mg', 'reg-amu', 'reg-mg', 'book-mg'] as const;
export type Step = (typeof STEPS)[number];

function sharesAddUpToOne(shares: Record<string, number>, ctx: z.RefinementCtx): void {
  const total = Object.values(shares).reduce((s, v) => s + v, 0);
  if (Math.abs(total - 1) > SHARE_TOLERANCE) {
    ctx.addIssue({ code: 'custom', message: `shares must add up to 1 (got ${total})` });
  }
}

const shares = z
  .record(z.string().min(1), share)
  .refine((r) => Object.keys(r).length > 0, 'give at least one entry')
  .superRefine(sharesAddUpToOne);

export const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    hours: positive.max(24 * 366),
    arrivals,
    lines: shares.optional(),
    /** Priority of each line (0–9, larger is more urgent; default 1), as in a site configuration. */
    linePriorities: z.record(z.string().min(1), z.number()).optional(),
    departments: shares.optional(),
    // A share left out is 0 (a scenario names the qualifications it has).
    qualification: z
      .strictObject({
        P0: share.default(0),
        P1: share.default(0),
        P2: share.default(0),
        DR: share.default(0),
      })
      .superRefine(sharesAddUpToOne),
    handlingSeconds: z.strictObject({
      n1: distribution,
      'n2-amu': distribution.optional(),
      'n2-mg': distribution.optional(),
      'reg-amu': distribution.optional(),
      'reg-mg': distribution.optional(),
      'book-mg': distribution.optional(),
    }),
    patienceSeconds: distribution.nullable().default(null),
    staff: z.partialRecord(z.enum(STEPS), staffLevel).optional(),
    ringSeconds: z.number().min(0).default(0),
    wrapUpSeconds: z.number().min(0).default(0),
    regulation: z
      .strictObject({
        /** Share of P1 calls that go on from the N2 AMU ARM to the emergency doctor. */
        amu: share.optional(),
        /** Share of P2 calls that reach the GP regulator. */
        mg: share.optional(),
        /** Share of P0 calls the emergency doctor takes at once (default 1 when reg-amu is timed). */
        p0: share.optional(),
        /** Share of GP-regulated calls that go on to a booking OSNP (N4). */
        booking: share.optional(),
      })
      .optional(),
    retrials: z
      .strictObject({
        /** Probability that a caller who abandoned calls again. */
        probability: share,
        /** Delay between the hang-up and the new call. */
        delaySeconds: distribution,
        /** Attempts per caller at most, the first included. */
        maxAttempts: z.int().min(1).default(3),
      })
      .optional(),
    mode: z.enum(['two-level', 'one-level']).default('two-level'),
  })
  .superRefine((s, ctx) => {
    const lines = Object.keys(s.lines ?? { '15': 1 });
    for (const [line, p] of Object.entries(s.linePriorities ?? {})) {
      if (!Number.isInteger(p) || p < 0 || p > 9)
        ctx.addIssue({
          code: 'custom',
          path: ['linePriorities', line],
          message: `expected an integer 0–9, got ${JSON.stringify(p)}`,
        });
      if (!lines.includes(line))
        ctx.addIssue({
          code: 'custom',
          path: ['linePriorities', line],
          message: `not one of the scenario's lines (${lines.join(', ')})`,
        });
    }
    const need = (step: Step, why: string) => {
      if (!s.handlingSeconds[step as keyof typeof s.handlingSeconds]) {
        ctx.addIssue({ code: 'custom', path: ['handlingSeconds', step], message: `required: ${why}` });
      }
    };
    if (s.arrivals.trace === undefined) {
      if (s.qualification.P1 > 0) need('n2-amu', 'qualification.P1 > 0 sends calls to N2 AMU');
      if (s.qualification.P2 > 0) need('n2-mg', 'qualification.P2 > 0 sends calls to N2 MG');
      const r = s.regulation;
      if ((r?.amu ?? 0) > 0) need('reg-amu', 'regulation.amu > 0 sends calls to the emergency doctor');
      if ((r?.p0 ?? 0) > 0) need('reg-amu', 'regulation.p0 > 0 sends P0 calls to the emergency doctor');
      if ((r?.mg ?? 0) > 0) need('reg-mg', 'regulation.mg > 0 sends calls to the GP regulator');
      if ((r?.booking ?? 0) > 0) need('book-mg', 'regulation.booking > 0 sends calls to a booking OSNP');
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;

export interface ScenarioError {
  /** Dotted path of the field, e.g. "arrivals.hourlyProfile" ("(root)" for the whole file). */
  path: string;
  message: string;
}

export type ScenarioParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

export function validateScenario(value: unknown): ScenarioParseResult {
  const r = scenarioSchema.safeParse(value);
  if (r.success) return { ok: true, scenario: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => ({
      path: i.path.length === 0 ? '(root)' : i.path.map(String).join('.'),
      message: i.message,
    })),
  };
}

/** Parses scenario JSON text; a JSON syntax error is reported like a field error, at the root. */
export function parseScenario(text: string): ScenarioParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: '(root)', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  return validateScenario(value);
}

/** Reads a scenario file; a `trace` path is made absolute, relative to the scenario's folder. */
export function loadScenarioFile(path: string): ScenarioParseResult {
  const r = parseScenario(readFileSync(path, 'utf8'));
  if (r.ok && r.scenario.arrivals.trace !== undefined) {
    r.scenario.arrivals.trace = resolve(dirname(path), r.scenario.arrivals.trace);
  }
  return r;
}

export function formatScenarioErrors(errors: ScenarioError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}

/** The site's lines in a scenario: "lines" omitted = every call on "15". */
export function scenarioLines(s: Scenario): Record<string, number> {
  return s.lines ?? { '15': 1 };
}
