// Distribution: which agent gets which call. A waiting call goes to the eligible available agent
// with the best skill preference, then the longest idle; a freed agent gets the most urgent call
// across its queues (urgency, priority class, then original arrival). Offers, answers and their failures.
import { syncQueueWaitAlarm, syncUnstaffedAlarm } from './alarms.js';
import type { Ctx } from './context.js';
import type { AgentLeftCall, OfferFailure } from './events.js';
import type { Call, Role } from './model.js';
import type { WaitingEntry } from './waiting-list.js';
import { endListening } from './listen-in.js';

/** The role under which the agent serves this queue, if any. */
export function roleFor(ctx: Ctx, agentId: string, queueId: string): Role | undefined {
  const roles = ctx.idx.agentConfigs.get(agentId)?.roles;
  if (!roles) return undefined;
  for (const r of ctx.idx.queues.get(queueId)!.roles) if (roles.includes(r)) return r;
  // A configured, logged role exception (e.g. an ARM reinforcing OSNPs) serves under the agent's own role.
  for (const e of ctx.data.config.roleExceptions)
    if (e.agentId === agentId && e.queueId === queueId) return roles[0];
  return undefined;
}

type Pick = { agentId: string; rank: number; since: number };

/** Keeps the better of two candidate agents: best skill preference, then longest idle. */
function betterAgent(
  ctx: Ctx,
  call: Call,
  best: Pick | undefined,
  agentId: string,
  rank: number,
): Pick | undefined {
  const a = ctx.data.agents[agentId]!;
  if (a.status !== 'available') return best;
  for (const x of call.parties) if (x.agentId === agentId) return best;
  if (!best || rank < best.rank || (rank === best.rank && a.since < best.since))
    return { agentId, rank, since: a.since };
  return best;
}

function eligibleAgentFor(ctx: Ctx, call: Call): string | undefined {
  const p = call.pending!;
  const q = ctx.idx.queues.get(p.queueId)!;
  let best: Pick | undefined;
  for (const s of ctx.idx.servers.get(q.id)!) best = betterAgent(ctx, call, best, s.agentId, s.preference);
  // Overflow tiers reached: agents of the added queues, if their role may serve this queue.
  for (let t = 0; t < p.tier; t++) {
    for (const qid of q.overflow.tiers[t]!.addQueues) {
      for (const s of ctx.idx.servers.get(qid) ?? []) {
        if (roleFor(ctx, s.agentId, q.id))
          best = betterAgent(ctx, call, best, s.agentId, 100 * (t + 1) + s.preference);
      }
    }
  }
  return best?.agentId;
}

/** Offers a waiting call to the best available agent, if there is one. */
export function dispatchCall(ctx: Ctx, call: Call): void {
  if (!call.pending || call.pending.offer) return;
  const agentId = eligibleAgentFor(ctx, call);
  if (agentId) offer(ctx, call, agentId);
}

/** Urgency, priority class, original arrival, skill preference, order of entry (urgency.ts). */
function moreUrgent(
  c: WaitingEntry,
  rank: number,
  best: WaitingEntry | undefined,
  bestRank: number,
): boolean {
  if (!best) return true;
  if (c.urgency !== best.urgency) return c.urgency > best.urgency;
  if (c.priority !== best.priority) return c.priority > best.priority;
  if (c.arrivedAt !== best.arrivedAt) return c.arrivedAt < best.arrivedAt;
  if (rank !== bestRank) return rank < bestRank;
  return c.seq < best.seq;
}

/** Offers the most urgent call across the agent's queues (and the queues overflowing into them). */
export function dispatchAgent(ctx: Ctx, agentId: string): void {
  const agent = ctx.data.agents[agentId]!;
  if (agent.status !== 'available') return;
  // The best entry and its rank kept apart: no object made per candidate (this runs at every
  // agent freed, the hottest path of the digital twin).
  let best: WaitingEntry | undefined;
  let bestRank = 0;
  for (const s of agent.skills) {
    if (!roleFor(ctx, agentId, s.queue)) continue;
    const head = ctx.idx.waiting.get(s.queue)?.head();
    if (head && moreUrgent(head, s.preference, best, bestRank)) {
      best = head;
      bestRank = s.preference;
    }
    const widened = ctx.idx.widenedInto.get(s.queue);
    if (!widened) continue;
    for (const w of widened) {
      if (!roleFor(ctx, agentId, w.queueId)) continue;
      // The first waiting call of that queue that has reached the tier adding this agent.
      for (const e of ctx.idx.waiting.get(w.queueId)!.entries) {
        if (ctx.data.calls[e.callId]!.pending!.tier < w.tier) continue;
        const rank = 100 * w.tier + s.preference;
        if (moreUrgent(e, rank, best, bestRank)) {
          best = e;
          bestRank = rank;
        }
        break;
      }
    }
  }
  if (best) offer(ctx, ctx.data.calls[best.callId]!, agentId);
}

/**
 * Rings the agent. An auto-answer phone picks up by itself, without ringing for a person: the
 * engine still waits for telephony to confirm the answer (answerOffer) before it counts the call
 * as connected, so a phone that fails never makes a call look answered. Its ring deadline is a
 * safety net, not a human's reaction time.
 */
function offer(ctx: Ctx, call: Call, agentId: string): void {
  const cfg = ctx.idx.agentConfigs.get(agentId)!;
  const queueId = call.pending!.queueId;
  const ringSeconds = cfg.autoAnswer
    ? AUTO_ANSWER_SAFETY_SECONDS
    : cfg.ringNoAnswerSeconds === 0
      ? null
      : cfg.ringNoAnswerSeconds;
  ctx.emit({
    type: 'CallOffered',
    at: ctx.now,
    callId: call.id,
    agentId,
    queueId,
    autoAnswer: cfg.autoAnswer,
    ringUntil: ringSeconds === null ? null : ctx.now + ringSeconds * 1000,
  });
  ctx.effect({
    type: 'ringAgent',
    callId: call.id,
    agentId,
    autoAnswer: cfg.autoAnswer,
    timeoutSeconds: ringSeconds,
  });
}

/** How long an auto-answer phone may take to pick up before the call is offered elsewhere. */
export const AUTO_ANSWER_SAFETY_SECONDS = 5;

const NOBODY: readonly { agentId: string }[] = [];

/**
 * The offered agent answered: bridge it with the caller and release whoever stayed with the caller
 * meanwhile — the previous agent of a warm transfer, or the agents left on a call that one of
 * several blind-transferred (e.g. the doctor conferenced at N1). Only a conference keeps them.
 */
export function connect(ctx: Ctx, call: Call, agentId: string): void {
  const p = call.pending!;
  const q = ctx.idx.queues.get(p.queueId)!;
  // A conference whose agents all left meanwhile (hang-up, lost leg) is a plain answer now.
  const conference = p.kind === 'conference' && call.parties.length > 0;
  const previous = conference || call.parties.length === 0 ? NOBODY : [...call.parties];
  ctx.emit({
    type: 'CallConnected',
    at: ctx.now,
    callId: call.id,
    agentId,
    role: roleFor(ctx, agentId, q.id)!,
    queueId: q.id,
    stage: q.stage,
    branch: q.branch,
    kind: p.kind,
    waitedMs: ctx.now - p.enteredAt,
    sinceArrivalMs: ctx.now - call.arrivedAt,
    // Outbound calls (callbacks, click-to-dial) are never answered calls of the SAS.
    firstAnswer: call.firstAnsweredAt === null && call.direction === 'inbound',
  });
  ctx.effect({ type: 'connectAgent', callId: call.id, agentId, conference });
  for (const party of previous) {
    leaveCall(ctx, call, party.agentId, 'warm-complete');
    afterCall(ctx, party.agentId);
  }
  syncQueueWaitAlarm(ctx, q.id);
  syncUnstaffedAlarm(ctx, q.id);
}

/**
 * An agent leaves a call, whatever the reason: its leg is always released (the PBX does not hang
 * up the other party of a bridge by itself), even when the caller hung up or the leg is already gone.
 */
export function leaveCall(ctx: Ctx, call: Call, agentId: string, reason: AgentLeftCall['reason']): void {
  const party = call.parties.find((x) => x.agentId === agentId)!;
  const q = ctx.idx.queues.get(party.queueId)!;
  endListening(ctx, call, 'agent-left', { agentId }); // a listen-in through this leg ends with it
  ctx.emit({
    type: 'AgentLeftCall',
    at: ctx.now,
    callId: call.id,
    agentId,
    role: party.role,
    queueId: q.id,
    stage: q.stage,
    branch: q.branch,
    talkMs: ctx.now - party.since,
    reason,
  });
  ctx.effect({ type: 'releaseAgent', callId: call.id, agentId });
}

/** After a call: wrap-up when the agent has some, else available again (and offered the next call). */
export function afterCall(ctx: Ctx, agentId: string): void {
  const a = ctx.data.agents[agentId]!;
  if (a.status === 'logged-out' || a.status === 'paused') return;
  const wrap = ctx.idx.agentConfigs.get(agentId)!.wrapUpSeconds;
  if (wrap > 0) {
    ctx.emit({ type: 'AgentWrapUpStarted', at: ctx.now, agentId, until: ctx.now + wrap * 1000 });
  } else {
    ctx.emit({ type: 'AgentBecameAvailable', at: ctx.now, agentId });
    dispatchAgent(ctx, agentId);
  }
}

/** Takes an offer back (no answer, agent paused or logged out); the call returns to its place. */
export function withdrawOffer(ctx: Ctx, call: Call, reason: OfferFailure): string {
  const p = call.pending!;
  const agentId = p.offer!.agentId;
  ctx.emit({ type: 'CallOfferFailed', at: ctx.now, callId: call.id, agentId, queueId: p.queueId, reason });
  ctx.effect({ type: 'cancelRing', callId: call.id, agentId });
  return agentId;
}

/** A failed offer: the agent is paused ("non-réponse"), the call is offered to someone else. */
export function failOffer(ctx: Ctx, call: Call, reason: OfferFailure): void {
  const agentId = withdrawOffer(ctx, call, reason);
  const pauseReason =
    { 'no-answer': 'non-réponse', busy: 'occupé', rejected: 'refusé' }[reason as string] ?? 'injoignable';
  ctx.emit({ type: 'AgentPaused', at: ctx.now, agentId, reason: pauseReason });
  dispatchCall(ctx, call);
}
