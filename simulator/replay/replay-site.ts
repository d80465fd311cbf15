// What the replay needs from the site configuration: the bot seats (`--staff`), the queues the
// trace will reach (so that a call never waits for a step nobody staffs), and, for its own stack, the
// configuration `sas-acd serve` runs: time settings divided by the speed (the ACD runs in real time,
// so at speed K a threshold of 30 simulated seconds is 30/K real seconds) and the bots' users.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { hashPassword } from '../../src/auth/index.js';
import type { SiteConfig, siteConfigSchema } from '../../src/core/config.js';
import type { TraceCall } from '../traffic/trace.js';

type SiteInput = z.input<typeof siteConfigSchema>;

/** Bot seats per queue, e.g. { n1: 2, 'n2-amu': 1 }. */
export type StaffPlan = Record<string, number>;

/** "n1=2,n2-amu=1" → { n1: 2, 'n2-amu': 1 }; throws naming the bad part. */
export function parseStaff(spec: string): StaffPlan {
  const out: StaffPlan = {};
  for (const part of spec.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const m = /^([A-Za-z0-9_-]+)=(\d+)$/.exec(part);
    if (!m) throw new Error(`--staff: "${part}" is not queue=count (e.g. n1=2)`);
    out[m[1]!] = Number(m[2]);
  }
  if (Object.keys(out).length === 0) throw new Error('--staff: give at least one queue=count');
  return out;
}

/** Picks the agents for each queue: those whose first skill is that queue first, then the fewest skills. */
export function pickSeats(config: SiteConfig, staff: StaffPlan): { agentId: string; queue: string }[] {
  const taken = new Set<string>();
  const seats: { agentId: string; queue: string }[] = [];
  for (const [queue, count] of Object.entries(staff)) {
    if (!config.queues.some((q) => q.id === queue))
      throw new Error(
        `--staff: no queue "${queue}" in the site (queues: ${config.queues.map((q) => q.id).join(', ')})`,
      );
    const candidates = config.agents
      .filter((a) => !taken.has(a.id) && a.skills.some((s) => s.queue === queue))
      .sort((a, b) => {
        const pa = a.skills.find((s) => s.queue === queue)!.preference;
        const pb = b.skills.find((s) => s.queue === queue)!.preference;
        return pa - pb || a.skills.length - b.skills.length;
      });
    if (candidates.length < count)
      throw new Error(
        `--staff: ${queue}=${count} but the site has ${candidates.length} more agent(s) skilled on ${queue}`,
      );
    for (const a of candidates.slice(0, count)) {
      taken.add(a.id);
      seats.push({ agentId: a.id, queue });
    }
  }
  return seats;
}

/**
 * The queues a trace's calls will need someone on, by the site's routing (default targets, as
 * call-flow.ts's p2Target: without a GP regulator (mrg) among the seats, P2 goes to
 * p2WithoutGpRegulator). Outside MG hours P2 goes to p2OutsideMgHours: that depends on the hour the
 * replay runs at, so it is a warning (see `mgHoursWarning`), not a refusal.
 */
export function queuesNeeded(
  config: SiteConfig,
  calls: TraceCall[],
  seats: { agentId: string }[] = [],
): Set<string> {
  const need = new Set<string>();
  for (const c of calls) for (const q of expectedPath(config, c, seats)) need.add(q);
  return need;
}

/** The queue steps a trace row goes through, in order, by the site's default targets. */
export function expectedPath(config: SiteConfig, c: TraceCall, seats: { agentId: string }[]): string[] {
  const r = config.routing;
  const first = (stage: string, branch: string) =>
    config.queues.find((q) => q.stage === stage && q.branch === branch)?.id;
  const gpRegulator = seats.some((s) => config.agents.find((a) => a.id === s.agentId)?.roles.includes('mrg'));
  const p2Queue = !gpRegulator && r.p2WithoutGpRegulator ? r.p2WithoutGpRegulator : r.p2Queue;
  const path: string[] = [];
  const line = config.lines.find((l) => l.id === c.line);
  if (line) path.push(line.entryQueue);
  if (c.qualification === 'P1') path.push(r.p1Queue);
  if (c.qualification === 'P2') path.push(p2Queue);
  if (c.regulationTalkS !== null) {
    const doctor = c.qualification === 'P2' ? first('regulation', 'mg') : r.doctorQueue;
    if (doctor) path.push(doctor);
  }
  if (c.bookingTalkS !== null) {
    const booking = first('booking', 'mg');
    if (booking) path.push(booking);
  }
  return path;
}

/** Refuses a trace whose lines the site lacks, or that needs a queue no seat serves. */
export function checkTraceAgainstSite(
  config: SiteConfig,
  calls: TraceCall[],
  seats: { agentId: string; queue: string }[],
): string[] {
  const errors: string[] = [];
  const lines = new Set(config.lines.map((l) => l.id));
  const unknown = [...new Set(calls.map((c) => c.line).filter((l) => !lines.has(l)))];
  if (unknown.length > 0)
    errors.push(`the trace uses line(s) ${unknown.join(', ')} that the site does not have`);
  const served = new Set<string>();
  for (const s of seats) {
    const agent = config.agents.find((a) => a.id === s.agentId)!;
    for (const sk of agent.skills) served.add(sk.queue);
  }
  const gpRegulator = config.agents.filter((a) => a.roles.includes('mrg')).map((a) => a.id);
  for (const q of queuesNeeded(config, calls, seats))
    if (!served.has(q))
      errors.push(
        `the trace needs queue ${q} but no bot agent serves it: add ${q}=N to --staff` +
          (q === config.routing.p2WithoutGpRegulator && calls.some((c) => c.qualification === 'P2')
            ? ` (P2 calls go there while no GP regulator is logged in: or staff one of ${gpRegulator.join(', ')})`
            : ''),
      );
  return errors;
}

/** P2 calls on a site whose MG hours are not always: where they go depends on the hour. */
export function mgHoursWarning(config: SiteConfig, calls: TraceCall[]): string | null {
  const r = config.routing;
  if (r.mgHours === 'always' || !r.p2OutsideMgHours || !calls.some((c) => c.qualification === 'P2'))
    return null;
  return `outside the site's MG hours P2 calls go to ${r.p2OutsideMgHours} (routing.mgHours "sas"): staff it, or replay with a configuration whose routing.mgHours is "always"`;
}

/**
 * The configuration the replay's own `sas-acd serve` runs: every time setting divided by the speed,
 * the bots' wrap-up (simulated seconds) when given, a ring time long enough for a bot to answer.
 */
export function configForSpeed(config: SiteConfig, speed: number, wrapUpSeconds: number | null): SiteInput {
  const t = (s: number) => s / speed;
  return {
    ...config,
    queues: config.queues.map((q) => ({
      ...q,
      thresholdSeconds: t(q.thresholdSeconds),
      alarmAfterSeconds: q.alarmAfterSeconds === null ? null : t(q.alarmAfterSeconds),
      overflow: {
        tiers: q.overflow.tiers.map((tier) => ({ ...tier, afterSeconds: t(tier.afterSeconds) })),
        ...(q.overflow.partner
          ? {
              partner: {
                ...q.overflow.partner,
                ...(q.overflow.partner.afterSeconds !== undefined
                  ? { afterSeconds: t(q.overflow.partner.afterSeconds) }
                  : {}),
              },
            }
          : {}),
      },
    })),
    agents: config.agents.map((a) => ({
      ...a,
      wrapUpSeconds: t(wrapUpSeconds ?? a.wrapUpSeconds),
      // A bot answers within milliseconds; a ring never needs more than the real 15 s.
      ringNoAnswerSeconds: Math.max(2, t(a.ringNoAnswerSeconds)),
    })),
    routing: {
      ...config.routing,
      callbackOfferAfterSeconds:
        config.routing.callbackOfferAfterSeconds === null
          ? null
          : t(config.routing.callbackOfferAfterSeconds),
    },
  } as SiteInput;
}

export type ReplayUsers = {
  /** The users file of the replay's own `sas-acd serve`. */
  entries: unknown[];
  supervisor: { username: string; password: string };
  bots: Map<string, { username: string; password: string }>;
};

/**
 * The scrypt cost of the replay's own users. Their passwords are 144 random bits, live for one run on
 * a stack that listens on loopback only: the default cost (32 MiB, some 0.1 to 0.5 s a hash on a busy
 * machine, paid again at each bot's login) protects guessable passwords, not these.
 */
const REPLAY_COST = { N: 2 ** 10, r: 8, p: 1 };

/** One user per bot seat and a supervisor (who reads the indicators), with random passwords. */
export async function replayUsers(
  siteId: string,
  seats: { agentId: string }[],
  config: SiteConfig,
): Promise<ReplayUsers> {
  const password = () => randomBytes(18).toString('base64url');
  const supervisor = { username: 'replay-supervisor', password: password() };
  const bots = new Map<string, { username: string; password: string }>();
  const entries: Promise<unknown>[] = [
    hashPassword(supervisor.password, REPLAY_COST).then((passwordHash) => ({
      username: supervisor.username,
      roles: ['supervisor', 'admin'],
      sites: [siteId],
      passwordHash,
    })),
  ];
  for (const s of seats) {
    const agent = config.agents.find((a) => a.id === s.agentId)!;
    const user = { username: `replay-${s.agentId}`, password: password() };
    bots.set(s.agentId, user);
    entries.push(
      hashPassword(user.password, REPLAY_COST).then((passwordHash) => ({
        username: user.username,
        roles: agent.roles,
        sites: [siteId],
        agentId: s.agentId,
        passwordHash,
      })),
    );
  }
  return { entries: await Promise.all(entries), supervisor, bots };
}
