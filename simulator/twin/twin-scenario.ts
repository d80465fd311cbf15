// The scenario as the twin reads it: the traffic scenario (simulator/traffic/scenario.ts), plus
// what only the twin checks — line priorities (part of the scenario schema) that name its lines, and a team for every step the traffic
// reaches. Every error names its field, like the traffic scenario's own errors.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  scenarioLines,
  validateScenario,
  type Scenario,
  type ScenarioError,
  type Step,
} from '../traffic/scenario.js';

/** A scenario the twin can run: the traffic scenario and the line priorities (larger = more urgent). */
export type TwinScenario = { scenario: Scenario; linePriorities: Record<string, number> };

export type TwinScenarioResult = { ok: true; twin: TwinScenario } | { ok: false; errors: ScenarioError[] };

// The site config's id rule: a line id becomes a config id.
const LINE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The steps the scenario's traffic may reach, which therefore need a team. */
export function stepsReached(s: Scenario): Step[] {
  const steps: Step[] = ['n1'];
  const q = s.qualification;
  const r = s.regulation ?? {};
  const h = s.handlingSeconds;
  const fromTrace = s.arrivals.trace !== undefined;
  if (s.mode === 'two-level') {
    if (q.P1 > 0 || (fromTrace && h['n2-amu'])) steps.push('n2-amu');
    if (q.P2 > 0 || (fromTrace && h['n2-mg'])) steps.push('n2-mg');
  }
  if ((r.amu ?? 0) > 0 || (r.p0 ?? 0) > 0 || (h['reg-amu'] && q.P0 > 0 && (r.p0 ?? 1) > 0))
    steps.push('reg-amu');
  if ((r.mg ?? 0) > 0) steps.push('reg-mg');
  if ((r.booking ?? 0) > 0) steps.push('book-mg');
  return steps;
}

export function validateTwinScenario(value: unknown): TwinScenarioResult {
  const errors: ScenarioError[] = [];
  const base = validateScenario(value);
  if (!base.ok) errors.push(...base.errors);
  if (!base.ok) return { ok: false, errors };
  const s = base.scenario;
  const linePriorities = { ...(s.linePriorities ?? {}) };
  const lines = Object.keys(scenarioLines(s));
  for (const line of lines) {
    if (!LINE_ID.test(line))
      errors.push({ path: `lines.${line}`, message: 'a line id is letters, digits, ".", "_" or "-"' });
  }
  for (const d of Object.keys(s.departments ?? {})) {
    if (!d.trim()) errors.push({ path: `departments.${d}`, message: 'a department needs a name' });
  }
  if (s.staff === undefined) {
    errors.push({ path: 'staff', message: 'required by the twin: seats per step (e.g. {"n1": 4})' });
  } else {
    for (const step of stepsReached(s)) {
      if (s.staff[step] === undefined)
        errors.push({ path: `staff.${step}`, message: `required by the twin: the traffic reaches ${step}` });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, twin: { scenario: s, linePriorities } };
}

/** Parses scenario JSON text for the twin; a syntax error is reported at the root. */
export function parseTwinScenario(text: string): TwinScenarioResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: '(root)', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  return validateTwinScenario(value);
}

/** Reads a scenario file for the twin; a `trace` path is made relative to the scenario's folder. */
export function loadTwinScenarioFile(path: string): TwinScenarioResult {
  const r = parseTwinScenario(readFileSync(path, 'utf8'));
  if (r.ok && r.twin.scenario.arrivals.trace !== undefined) {
    r.twin.scenario.arrivals.trace = resolve(dirname(path), r.twin.scenario.arrivals.trace);
  }
  return r;
}
