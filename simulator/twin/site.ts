// The site the twin runs: built from the scenario alone. A scenario that names no calendar,
// schedule or mode runs as two-level with every branch open around the clock (MG hours "always",
// no P2 fallback to the AMU doctors), so that theory cases stay clean: the engine's hours-dependent
// rules apply only when the scenario asks for them.
import { parseSiteConfig, type SiteConfig } from '../../src/core/config.js';
import type { Role } from '../../src/core/model.js';
import { scenarioLines, STEPS, type Scenario, type Step } from '../traffic/scenario.js';
import { stepsReached } from './twin-scenario.js';

/** One step's team: its agents (ids) and the seats to fill in each hour of the day (0–23). */
export type Team = { step: Step; agentIds: string[]; seatsByHour: number[] };

export type TwinSite = { config: SiteConfig; teams: Team[]; steps: Step[] };

type StepShape = {
  stage: 'n1' | 'n2' | 'regulation' | 'booking';
  branch: string;
  roles: Role[];
  agentRole: Role;
};

// Who serves each step. Each agent serves its own step only: no overflow between steps, so a
// step is a plain multi-server queue (what the theory checks assume).
const SHAPES: Record<Step, StepShape> = {
  n1: { stage: 'n1', branch: 'amu', roles: ['arm'], agentRole: 'arm' },
  'n2-amu': { stage: 'n2', branch: 'amu', roles: ['arm'], agentRole: 'arm' },
  'n2-mg': { stage: 'n2', branch: 'mg', roles: ['osnp', 'mrg'], agentRole: 'osnp' },
  'reg-amu': { stage: 'regulation', branch: 'amu', roles: ['mru'], agentRole: 'mru' },
  'reg-mg': { stage: 'regulation', branch: 'mg', roles: ['mrg'], agentRole: 'mrg' },
  'book-mg': { stage: 'booking', branch: 'mg', roles: ['osnp'], agentRole: 'osnp' },
};

// Queues the engine's routing defaults refer to: they must exist even when nobody staffs them.
const ALWAYS: Step[] = ['n1', 'n2-amu', 'n2-mg', 'reg-amu'];

export const TWIN_DISPOSITIONS = ['conseil-medical', 'envoi-moyens', 'consultation'] as const;

/** Seats of a step for each hour of the day (a constant, or the scenario's 24 numbers). */
function seatsByHour(s: Scenario, step: Step): number[] {
  const v = s.staff?.[step] ?? 0;
  return Array.isArray(v) ? [...v] : Array.from({ length: 24 }, () => v);
}

/**
 * The site config and teams for a scenario. Lines come from the scenario (all priority 1 unless
 * `linePriorities` says otherwise), all entering N1; queues n1, n2-amu, n2-mg, reg-amu always, and
 * reg-mg / book-mg when the scenario reaches them; every queue's QS threshold is 30 s. Agents pick
 * up by themselves when `ringSeconds` is 0 (auto-answer); otherwise they ring for that long and
 * never time out (`ringNoAnswerSeconds: 0`).
 */
export function buildTwinSite(s: Scenario, linePriorities: Record<string, number> = {}): TwinSite {
  const reached = stepsReached(s);
  const steps = STEPS.filter(
    (st) => ALWAYS.includes(st) || reached.includes(st) || s.staff?.[st] !== undefined,
  );
  const departments = Object.keys(s.departments ?? {});
  if (departments.length === 0) departments.push('site');
  const teams: Team[] = steps.map((step) => {
    const seats = seatsByHour(s, step);
    const n = Math.max(0, ...seats);
    return { step, seatsByHour: seats, agentIds: Array.from({ length: n }, (_, i) => `${step}-${i + 1}`) };
  });
  const raw = {
    id: 'twin',
    name: s.description ? `Digital twin: ${s.description.slice(0, 80)}` : 'Digital twin',
    departments,
    modes: { default: s.mode, rules: [] },
    lines: Object.keys(scenarioLines(s)).map((id) => ({
      id,
      department: departments[0]!,
      entryQueue: 'n1',
      priority: linePriorities[id] ?? 1,
    })),
    queues: steps.map((step) => ({
      id: step,
      stage: SHAPES[step].stage,
      branch: SHAPES[step].branch,
      roles: SHAPES[step].roles,
      thresholdSeconds: 30,
    })),
    agents: teams.flatMap((t) =>
      t.agentIds.map((id) => ({
        id,
        name: id,
        roles: [SHAPES[t.step].agentRole],
        skills: [{ queue: t.step, preference: 1 }],
        autoAnswer: s.ringSeconds === 0,
        ringNoAnswerSeconds: 0,
        wrapUpSeconds: s.wrapUpSeconds,
      })),
    ),
    routing: {
      mgHours: 'always',
      p2OutsideMgHours: null,
      p2WithoutGpRegulator: null,
    },
    dispositions: [...TWIN_DISPOSITIONS],
  };
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok) throw new Error(`the twin built a bad site config:\n${parsed.errors.join('\n')}`);
  return { config: parsed.config, teams, steps };
}
