// Ground truth for each trunk call, as the caller lived it: what the load simulator reads to check the
// ACD's own account (QS 30 s, abandons) against reality.
import { asteriskTime } from './clock.js';

export type TimelineKind =
  | 'arrived'
  | 'stasis-start'
  | 'stasis-failed'
  | 'trunk-full'
  | 'answered-by-pbx'
  | 'entered-bridge'
  | 'left-bridge'
  | 'connected-to-agent'
  | 'agent-left'
  | 'continued'
  | 'redirected'
  | 'referred'
  | 'fallback-answered'
  | 'fallback-entered'
  | 'ended';

export interface TimelineEntry {
  kind: TimelineKind;
  at: string;
  atMs: number;
  detail?: Record<string, unknown>;
}

export type EndedBy = 'caller' | 'patience' | 'pbx';

export interface CallRecord {
  callId: string;
  channelId: string;
  line: string;
  caller: { name: string; number: string; withheld: boolean };
  patienceSec: number | null;
  /**
   * stasis: handled by the app; fallback: no app was connected (STASISSTATUS=FAILED); refused:
   * the line's trunk channels were all taken (congestion, ./trunk-limit.ts); waiting-acd: no app
   * connected, the dialplan tries it again a few times before the fallback (with a fallback group:
   * [sasacd-entry]'s retries); a call whose caller hangs up meanwhile keeps it.
   */
  route: 'stasis' | 'fallback' | 'refused' | 'waiting-acd';
  arrivedAtMs: number;
  answeredByPbxAtMs: number | null;
  /** First agent the caller was connected to, and when. */
  answeredBy: string | null;
  answeredByAgentAtMs: number | null;
  agents: string[];
  /** Channel ids of the agent legs the caller was connected to. */
  agentLegs: string[];
  endedAtMs: number | null;
  endedBy: EndedBy | null;
  cause: number | null;
  entries: TimelineEntry[];
}

export type TimelineListener = (call: CallRecord, entry: TimelineEntry) => void;

export class Timelines {
  readonly calls = new Map<string, CallRecord>();
  private readonly listeners = new Set<TimelineListener>();

  onEntry(listener: TimelineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  note(call: CallRecord, kind: TimelineKind, atMs: number, detail?: Record<string, unknown>): void {
    const entry: TimelineEntry = detail
      ? { kind, at: asteriskTime(atMs), atMs, detail }
      : { kind, at: asteriskTime(atMs), atMs };
    call.entries.push(entry);
    for (const l of this.listeners) l(call, entry);
  }
}
