// The twin on a site's own configuration (`simulate twin --config`, `staff --config`): the site's
// lines and priorities, queues and thresholds, overflow, routing, modes and calendar, as the ACD
// runs them; the scenario supplies the traffic and the staff. The agents are the scenario's teams
// (one seat per agent, skilled on its step's queue only, with the queue's first role), since a
// staffing plan is about how many seats, not which people.
import { readFileSync } from 'node:fs';
import { parseSiteConfig, type SiteConfig } from '../../src/core/config.js';
import { scenarioLines, STEPS, type Scenario, type Step } from '../traffic/scenario.js';
import type { Team, TwinSite } from './site.js';
import { stepsReached } from './twin-scenario.js';

/** Seats of a step for each hour of the day (a constant, or the scenario's 24 numbers). */
function seatsByHour(s: Scenario, step: Step): number[] {
  const v = s.staff?.[step] ?? 0;
  return Array.isArray(v) ? [...v] : Array.from({ length: 24 }, () => v);
}

/** A site configuration the twin cannot run (unreadable, not valid, or lacking what the scenario needs). */
export class TwinSiteError extends Error {}

/** Reads and checks a site configuration file (the one `sas-acd serve --config` takes). */
export function readSiteConfigFile(path: string): SiteConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TwinSiteError(`cannot read site configuration ${path}: ${(e as Error).message}`);
  }
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok)
    throw new TwinSiteError(`site configuration ${path} is not valid:\n${parsed.errors.join('\n')}`);
  return parsed.config;
}

/** Throws naming what the site lacks: a line of the scenario, a queue for a step it reaches or staffs. */
export function buildTwinSiteFromConfig(site: SiteConfig, s: Scenario): TwinSite {
  const problems: string[] = [];
  const queueIds = new Set(site.queues.map((q) => q.id));
  for (const line of Object.keys(scenarioLines(s)))
    if (!site.lines.some((l) => l.id === line))
      problems.push(`the scenario's line ${line} is not a line of site ${site.id}`);
  const reached = stepsReached(s);
  const steps = STEPS.filter((st) => reached.includes(st) || s.staff?.[st] !== undefined);
  for (const st of steps)
    if (!queueIds.has(st)) problems.push(`the scenario's step ${st} is not a queue of site ${site.id}`);
  if (problems.length > 0) throw new TwinSiteError(problems.join('\n'));
  const teams: Team[] = steps.map((step) => {
    const seats = seatsByHour(s, step);
    const n = Math.max(0, ...seats);
    return { step, seatsByHour: seats, agentIds: Array.from({ length: n }, (_, i) => `${step}-${i + 1}`) };
  });
  const raw = {
    ...site,
    // The scenario's line priorities win over the site's, so that a plan can try other ones.
    lines: site.lines.map((l) => ({ ...l, priority: s.linePriorities?.[l.id] ?? l.priority })),
    agents: teams.flatMap((t) =>
      t.agentIds.map((id) => ({
        id,
        name: id,
        roles: [site.queues.find((q) => q.id === t.step)!.roles[0]!],
        skills: [{ queue: t.step, preference: 1 }],
        autoAnswer: s.ringSeconds === 0,
        ringNoAnswerSeconds: 0,
        wrapUpSeconds: s.wrapUpSeconds,
      })),
    ),
    // Role exceptions name the site's people; the twin's seats come from the scenario.
    roleExceptions: [],
  };
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok)
    throw new TwinSiteError(`the twin's site from ${site.id} is not valid:\n${parsed.errors.join('\n')}`);
  return { config: parsed.config, teams, steps };
}
