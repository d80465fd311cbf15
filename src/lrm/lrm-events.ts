// What the regulation software (LRM) hears of a call, in its words: the engine's events about
// calls, mapped to a small public vocabulary (docs/lrm.md). The same list feeds the signed
// webhooks and the `/lrm` WebSocket feed. Each event carries the call's public reference and an
// id that is also the webhook's idempotency key: computed from the event itself, so every process
// (and a restart) gives the same event the same id, and a repeat is recognisable as one.
import type { Event } from '../core/events.js';
import { callRef } from './call-ref.js';

export const LRM_EVENT_TYPES = [
  'call.arrived',
  'call.answered',
  'file.linked',
  'call.qualified',
  'call.transferred',
  'call.reoriented',
  'call.redirected',
  'call.dialed-out',
  'call.ended',
  'consultation.started',
  'consultation.answered',
  'consultation.completed',
  'consultation.ended',
  'consultation.kept',
  'recording.available',
] as const;
export type LrmEventType = (typeof LRM_EVENT_TYPES)[number];

export type LrmEvent = {
  /** Unique per event; the webhook's Idempotency-Key. */
  id: string;
  type: LrmEventType;
  siteId: string;
  callId: string;
  callRef: string;
  /** When it happened (ISO 8601, UTC). */
  at: string;
  data: Record<string, unknown>;
};

/**
 * A consultative outside transfer's steps (../core/consultation.ts) are events of the caller's
 * call, naming the outbound call by id and reference (its own `call.dialed-out` / `call.ended`
 * carry the same id); each consultation started ends with one of completed, ended or kept.
 */
function consultationData(
  e: Event & {
    type: 'ConsultationAnswered' | 'ConsultationCompleted' | 'ConsultationEnded' | 'ConsultationKept';
  },
): Record<string, unknown> {
  return { agentId: e.agentId, outCallId: e.outCallId, outCallRef: null };
}

type Mapped = { type: LrmEventType; callId: string; data: Record<string, unknown> };

/** What the LRM hears of one engine event: none, one, or (a consultation's start) two events. */
function mapped(e: Event): Mapped[] {
  if (e.type === 'OutboundCallPlaced' && e.consult && e.parentCallId !== null)
    return [
      ...one(e),
      {
        type: 'consultation.started',
        callId: e.parentCallId,
        data: {
          agentId: e.agentId,
          outCallId: e.callId,
          outCallRef: null,
          number: e.number,
          purpose: e.purpose,
        },
      },
    ];
  switch (e.type) {
    case 'ConsultationAnswered':
      return [{ type: 'consultation.answered', callId: e.callId, data: consultationData(e) }];
    case 'ConsultationCompleted':
      return [
        { type: 'consultation.completed', callId: e.callId, data: { ...consultationData(e), mode: e.mode } },
      ];
    case 'ConsultationEnded':
      return [
        { type: 'consultation.ended', callId: e.callId, data: { ...consultationData(e), reason: e.reason } },
      ];
    case 'ConsultationKept':
      return [{ type: 'consultation.kept', callId: e.callId, data: consultationData(e) }];
    default:
      return one(e);
  }
}

function one(e: Event): Mapped[] {
  const m = dataOf(e);
  if (!m || !('callId' in e) || typeof e.callId !== 'string') return [];
  return [{ type: m[0], callId: e.callId, data: m[1] }];
}

function dataOf(e: Event): [LrmEventType, Record<string, unknown>] | null {
  switch (e.type) {
    case 'CallArrived':
      return [
        'call.arrived',
        {
          line: e.line,
          callerNumber: e.callerNumber,
          callerName: e.callerName,
          department: e.department,
          originSite: e.originSite,
          mode: e.mode,
          period: e.period,
          // The networks in front of the ACD give no caller location today (docs/lrm.md).
          location: null,
        },
      ];
    case 'CallConnected':
      return [
        'call.answered',
        {
          agentId: e.agentId,
          role: e.role,
          queueId: e.queueId,
          stage: e.stage,
          branch: e.branch,
          firstAnswer: e.firstAnswer,
          waitedMs: e.waitedMs,
        },
      ];
    case 'FileLinked':
      return [
        'file.linked',
        { fileId: e.fileId, previousFileId: e.previousFileId, source: e.source, agentId: e.agentId },
      ];
    case 'CallQualified':
      return [
        'call.qualified',
        {
          qualification: e.qualification,
          fileId: e.drmId,
          name: e.name,
          phone: e.phone,
          agentId: e.agentId,
          stage: e.stage,
          source: e.source ?? 'panel',
        },
      ];
    case 'CallTransferred':
      return [
        e.reorientation ? 'call.reoriented' : 'call.transferred',
        {
          agentId: e.agentId,
          fromQueueId: e.fromQueueId,
          toQueueId: e.toQueueId,
          mode: e.mode,
          ...(e.reorientation ? { reorientation: e.reorientation } : {}),
        },
      ];
    case 'CallRedirected':
      return ['call.redirected', { partnerId: e.partnerId, reason: e.reason, queueId: e.queueId }];
    case 'OutboundCallPlaced':
      return [
        'call.dialed-out',
        {
          agentId: e.agentId,
          number: e.number,
          purpose: e.purpose,
          parentCallId: e.parentCallId,
          parentCallRef: null,
        },
      ];
    case 'CallEnded':
      return [
        'call.ended',
        {
          by: e.by,
          outcome: e.outcome,
          qualification: e.qualification,
          disposition: e.disposition,
          agentId: e.agentId,
          answered: e.answered,
        },
      ];
    default:
      return null;
  }
}

/** An idempotency key safe as a BullMQ job id (no ":") and in an HTTP header. */
const keyPart = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, (c) => `~${c.charCodeAt(0).toString(16)}`);

/** The LRM's view of a batch of engine events, in the site's order. */
export function lrmEvents(siteId: string, events: readonly Event[]): LrmEvent[] {
  const out: LrmEvent[] = [];
  const seen = new Map<string, number>();
  for (const e of events) {
    for (const { type, callId, data } of mapped(e)) {
      if (type === 'call.dialed-out' && typeof data.parentCallId === 'string')
        data.parentCallRef = callRef(siteId, data.parentCallId);
      if (typeof data.outCallId === 'string') data.outCallRef = callRef(siteId, data.outCallId);
      // Two events of one type for one call in the same millisecond stay distinct (batch order).
      const base = `sas-${keyPart(siteId)}-${keyPart(callId)}-${type}-${e.at}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.push({
        id: n === 0 ? base : `${base}-${n}`,
        type,
        siteId,
        callId,
        callRef: callRef(siteId, callId),
        at: new Date(e.at).toISOString(),
        data,
      });
    }
  }
  return out;
}
