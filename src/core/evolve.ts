// evolve: how each event changes the state. The only code that changes state; replaying a site's
// events through it rebuilds exactly the live state. It mutates in place for speed (the engine
// handles 100,000+ commands/s); it is deterministic and does no I/O.
import type { Event } from './events.js';
import type { Call, Pending } from './model.js';
import { mayRedirectTo } from './partner-bar.js';
import { armTimer, buildIndexes, countLogin, entryOf, serversOf, type State } from './state.js';
import { evolveConsultation } from './consultation.js';

/** How long a fallback call's id is remembered (rules/fallback.ts): a record never counts twice. */
export const FALLBACK_MEMORY_MS = 7 * 24 * 3600 * 1000;

const at = (base: number, seconds: number | null | undefined) =>
  seconds == null ? null : base + seconds * 1000;

function leaveWaitingList(s: State, call: Call): void {
  const p = call.pending;
  if (!p) return;
  if (!p.offer) s.idx.waiting.get(p.queueId)?.remove(entryOf(call, p));
  if (p.overThreshold) s.data.overThreshold[p.queueId] = (s.data.overThreshold[p.queueId] ?? 1) - 1;
  call.pending = null;
}

export function evolve(s: State, e: Event): State {
  const d = s.data;
  switch (e.type) {
    case 'CallArrived': {
      d.calls[e.callId] = {
        id: e.callId,
        direction: 'inbound',
        purpose: null,
        line: e.line,
        department: e.department,
        originSite: e.originSite,
        callerNumber: e.callerNumber,
        callerName: e.callerName,
        arrivedAt: e.at,
        mode: e.mode,
        period: e.period,
        priority: e.priority,
        qualification: null,
        drm: null,
        firstAnsweredAt: null,
        parties: [],
        pending: null,
        lastQueueId: '',
        ...(e.returnedFrom ? { refusedBy: [e.returnedFrom.partnerId] } : {}),
      };
      const sw = d.lineSwitches[e.line];
      // A caller back from a partner was counted in the switch's share when it first arrived.
      if (sw && sw.from <= e.at && !e.returnedFrom) sw.credit += sw.share;
      break;
    }
    case 'OutboundCallPlaced': {
      d.calls[e.callId] = {
        id: e.callId,
        direction: 'outbound',
        purpose: e.purpose,
        line: '',
        department: e.department,
        originSite: d.config.id,
        callerNumber: e.number,
        callerName: null,
        arrivedAt: e.at,
        mode: d.mode ?? d.config.modes.default,
        period: d.period ?? 'sas',
        priority: 0,
        qualification: null,
        drm: null,
        firstAnsweredAt: null,
        parties: e.parentCallId
          ? []
          : [{ agentId: e.agentId, role: e.role, queueId: e.queueId, since: e.at, kept: false }],
        pending: null,
        lastQueueId: e.queueId,
      };
      const parent = e.parentCallId ? d.calls[e.parentCallId] : undefined;
      if (parent) {
        parent.dialOuts = [...(parent.dialOuts ?? []), e.callId];
        d.calls[e.callId]!.parentCallId = parent.id;
        if (e.handOver) d.calls[e.callId]!.handOverFrom = e.agentId;
        if (e.consult) d.calls[e.callId]!.consultFrom = e.agentId;
      }
      if (!e.parentCallId) {
        const agent = d.agents[e.agentId]!;
        agent.status = 'on-call';
        agent.callId = e.callId;
        agent.since = e.at;
        agent.wrapUntil = null;
      }
      break;
    }
    case 'CallQueued': {
      const call = d.calls[e.callId]!;
      const q = s.idx.queues.get(e.queueId)!;
      leaveWaitingList(s, call);
      if (e.reason === 'reorientation' && q.branch === 'amu') call.reorientedToAmu = true;
      call.priority = e.priority;
      call.lastQueueId = e.queueId;
      const firstTier = q.overflow.tiers[0];
      const callbackable = q.branch === 'mg' && e.kind !== 'conference';
      const pending: Pending = {
        queueId: e.queueId,
        kind: e.kind,
        enteredAt: e.at,
        seq: d.seq++,
        tier: 0,
        offer: null,
        overThreshold: false,
        callbackOffered: false,
        nextTierAt: firstTier ? at(e.at, firstTier.afterSeconds) : null,
        alarmAt: at(e.at, q.alarmAfterSeconds),
        // A call received from a partner SAS never overflows back to it.
        partnerAt:
          q.overflow.partner && !mayRedirectTo(call, q.overflow.partner.partnerId)
            ? null
            : at(e.at, q.overflow.partner?.afterSeconds),
        callbackAt: callbackable ? at(e.at, d.config.routing.callbackOfferAfterSeconds) : null,
      };
      call.pending = pending;
      s.idx.waiting.get(e.queueId)!.insert(entryOf(call, pending));
      armTimer(s.idx, d, 'call', call.id);
      break;
    }
    case 'CallOffered': {
      const call = d.calls[e.callId]!;
      const p = call.pending!;
      s.idx.waiting.get(p.queueId)!.remove(entryOf(call, p));
      p.offer = { agentId: e.agentId, at: e.at, until: e.ringUntil };
      const agent = d.agents[e.agentId]!;
      agent.status = 'offered';
      agent.callId = e.callId;
      agent.since = e.at;
      armTimer(s.idx, d, 'call', call.id);
      break;
    }
    case 'CallOfferFailed': {
      const call = d.calls[e.callId]!;
      const p = call.pending!;
      p.offer = null;
      s.idx.waiting.get(p.queueId)!.insert(entryOf(call, p));
      d.agents[e.agentId]!.callId = null;
      break;
    }
    case 'CallTierReached': {
      const p = d.calls[e.callId]!.pending!;
      const tiers = s.idx.queues.get(p.queueId)!.overflow.tiers;
      p.tier = e.tier;
      p.nextTierAt = tiers[e.tier] ? p.enteredAt + tiers[e.tier]!.afterSeconds * 1000 : null;
      armTimer(s.idx, d, 'call', e.callId);
      break;
    }
    case 'CallThresholdPassed': {
      const p = d.calls[e.callId]!.pending!;
      p.overThreshold = true;
      d.overThreshold[p.queueId] = (d.overThreshold[p.queueId] ?? 0) + 1;
      armTimer(s.idx, d, 'call', e.callId);
      break;
    }
    case 'CallbackOffered': {
      d.calls[e.callId]!.pending!.callbackOffered = true;
      armTimer(s.idx, d, 'call', e.callId);
      break;
    }
    case 'CallConnected': {
      const call = d.calls[e.callId]!;
      leaveWaitingList(s, call);
      // Whoever stayed with the caller leaves by AgentLeftCall events that follow (see connect).
      call.parties.push({ agentId: e.agentId, role: e.role, queueId: e.queueId, since: e.at, kept: false });
      call.lastQueueId = call.parties[0]!.queueId;
      if (call.firstAnsweredAt === null) call.firstAnsweredAt = e.at;
      const agent = d.agents[e.agentId]!;
      agent.status = 'on-call';
      agent.callId = e.callId;
      agent.since = e.at;
      break;
    }
    case 'CallQualified': {
      const call = d.calls[e.callId]!;
      call.qualification = e.qualification;
      call.drm = { id: e.drmId, name: e.name, phone: e.phone };
      call.qualifiedBy = { agentId: e.agentId, at: e.at };
      break;
    }
    case 'FileLinked': {
      const call = d.calls[e.callId]!;
      call.drm = {
        id: e.fileId,
        name: call.drm?.name ?? call.callerName ?? '',
        phone: call.drm?.phone ?? call.callerNumber ?? '',
      };
      break;
    }
    case 'CallKept': {
      const call = d.calls[e.callId]!;
      const party = call.parties.find((p) => p.agentId === e.agentId)!;
      party.queueId = e.asQueueId;
      party.kept = true;
      call.lastQueueId = call.parties[0]!.queueId;
      break;
    }
    case 'CallTransferred':
      break;
    case 'AgentLeftCall': {
      const call = d.calls[e.callId]!;
      call.parties = call.parties.filter((p) => p.agentId !== e.agentId);
      if (call.parties[0]) call.lastQueueId = call.parties[0].queueId;
      d.agents[e.agentId]!.callId = null;
      break;
    }
    case 'CallEnded': {
      const call = d.calls[e.callId]!;
      leaveWaitingList(s, call);
      const parent = call.parentCallId ? d.calls[call.parentCallId] : undefined;
      if (parent?.dialOuts) {
        parent.dialOuts = parent.dialOuts.filter((id) => id !== e.callId);
        if (parent.dialOuts.length === 0) delete parent.dialOuts;
      }
      for (const p of call.parties) d.agents[p.agentId]!.callId = null;
      delete d.calls[e.callId];
      break;
    }
    case 'CallRedirected': {
      const sw = d.lineSwitches[d.calls[e.callId]!.line];
      if (e.reason === 'line-switched' && sw) sw.credit -= 1;
      break;
    }
    case 'CallbackTaskCreated':
      d.callbacks[e.taskId] = {
        id: e.taskId,
        callId: e.callId,
        queueId: e.queueId,
        createdAt: e.at,
        callerNumber: e.callerNumber,
        name: e.name,
        department: e.department,
        claimedBy: null,
      };
      break;
    case 'CallbackTaskClaimed':
      d.callbacks[e.taskId]!.claimedBy = e.agentId;
      break;
    case 'CallbackTaskCompleted':
      delete d.callbacks[e.taskId];
      break;
    case 'AgentLoggedIn':
    case 'AgentBecameAvailable':
    case 'AgentPaused':
    case 'AgentLoggedOut':
    case 'AgentWrapUpStarted': {
      const agent = d.agents[e.agentId]!;
      if (e.type === 'AgentLoggedIn') countLogin(s.idx, e.agentId, 1);
      if (e.type === 'AgentLoggedOut') countLogin(s.idx, e.agentId, -1);
      agent.status =
        e.type === 'AgentPaused'
          ? 'paused'
          : e.type === 'AgentLoggedOut'
            ? 'logged-out'
            : e.type === 'AgentWrapUpStarted'
              ? 'wrap-up'
              : 'available';
      agent.since = e.at;
      agent.pauseReason = e.type === 'AgentPaused' ? e.reason : null;
      agent.wrapUntil = e.type === 'AgentWrapUpStarted' ? e.until : null;
      agent.callId = null;
      armTimer(s.idx, d, 'agent', e.agentId);
      break;
    }
    case 'AgentSkillsChanged':
      d.agents[e.agentId]!.skills = e.skills.map((x) => ({ ...x }));
      s.idx.servers = serversOf(d, s.idx.queues, s.idx.agentConfigs);
      break;
    case 'ModeChanged':
      d.mode = e.mode;
      break;
    case 'ModeOverrideSet':
      d.modeOverride = e.mode ? { mode: e.mode, until: e.until } : null;
      armTimer(s.idx, d, 'site', '');
      break;
    case 'PeriodChanged':
      d.period = e.period;
      d.calendarCheckAt = e.nextCheckAt;
      armTimer(s.idx, d, 'site', '');
      break;
    case 'LineSwitched':
      d.lineSwitches[e.line] = {
        partnerId: e.partnerId,
        share: e.share,
        from: e.from,
        until: e.until,
        credit: 0,
      };
      armTimer(s.idx, d, 'site', '');
      break;
    case 'LineRestored':
      delete d.lineSwitches[e.line];
      break;
    case 'AlarmRaised':
      d.alarms[e.alarmId] = { id: e.alarmId, kind: e.kind, raisedAt: e.at, message: e.message };
      break;
    case 'AlarmCleared':
      delete d.alarms[e.alarmId];
      break;
    case 'FallbackCallCounted':
    case 'FallbackCallAbandoned':
    case 'MissedCallAbandoned': {
      // Remember the id (never counted twice); forget those counted long ago (bounded memory).
      const seen = (d.fallbackCalls ??= {});
      for (const [id, at] of Object.entries(seen)) if (at < e.at - FALLBACK_MEMORY_MS) delete seen[id];
      seen[e.callId] = e.at;
      break;
    }
    case 'AlarmAcknowledged': {
      const alarm = d.alarms[e.alarmId];
      if (alarm) alarm.acknowledged = { by: e.by, at: e.at, ...(e.byName ? { byName: e.byName } : {}) };
      break;
    }
    case 'ConfigReplaced': {
      d.config = e.config;
      const agents = { ...d.agents };
      d.agents = {};
      for (const a of e.config.agents) {
        const prev = agents[a.id];
        d.agents[a.id] = prev
          ? { ...prev, skills: a.skills.map((x) => ({ ...x })) }
          : {
              id: a.id,
              status: 'logged-out',
              since: e.at,
              pauseReason: null,
              callId: null,
              wrapUntil: null,
              skills: a.skills.map((x) => ({ ...x })),
            };
      }
      s.idx = buildIndexes(d);
      break;
    }
    case 'ListenStarted': {
      const call = d.calls[e.callId]!;
      const l = { supervisorId: e.supervisorId, agentId: e.agentId, mode: e.mode, since: e.at };
      call.listeners = [...(call.listeners ?? []), l];
      break;
    }
    case 'ListenEnded': {
      const call = d.calls[e.callId]!;
      const rest = (call.listeners ?? []).filter((l) => l.supervisorId !== e.supervisorId);
      if (rest.length > 0) call.listeners = rest;
      else delete call.listeners;
      break;
    }
    case 'ConsultationAnswered':
    case 'ConsultationCompleted':
    case 'ConsultationKept':
      evolveConsultation(s, e);
      break;
    case 'ConsultationEnded':
    case 'OutsideTransferCancelled':
      break; // the outbound call's CallEnded that follows takes it away
    default: {
      const never: never = e;
      throw new Error(`evolve: unknown event ${JSON.stringify(never)}`);
    }
  }
  return s;
}
