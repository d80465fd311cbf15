// The replay on FreeSWITCH: sim-fs's caller timelines (simulator/freeswitch/far-end.ts) in the shape
// of sim-pbx's (simulator/pbx/timeline.ts), so that one ground truth (ground-truth.ts) serves both.
// sim-fs knows when the caller starts and stops sharing media with phones (`media`), not which
// queue it waits in (FreeSWITCH plays the same music for every queue): a wait after an agent left
// is put in the queue `queueOfWait` says (the trace's expected path), and it counts only if the
// caller was still there for it (answered, or hung up while waiting: an abandon). A wait that ends
// because the ACD ended the call (the agent hung up) is the end of the call, not a wait, as on
// Asterisk.
import type { CallRecord, TimelineEntry, TimelineKind } from '../pbx/timeline.js';

/** A caller's timeline as sim-fs serves it on GET /sim/calls. */
export type FsTimeline = {
  callId: string;
  line: string;
  callerNumber: string | null;
  arrivedAtMs: number;
  answeredByPbxAtMs: number | null;
  endedAtMs: number | null;
  endedBy: 'caller' | 'pbx' | 'patience' | null;
  referredTo: string | null;
  redirectedTo: string | null;
  agents: string[];
  media: { atMs: number; phones: string[] }[];
};

const entry = (kind: TimelineKind, atMs: number, detail?: Record<string, unknown>): TimelineEntry => ({
  kind,
  at: new Date(atMs).toISOString(),
  atMs,
  ...(detail ? { detail } : {}),
});

/** One sim-fs timeline as a sim-pbx call record; `queueOfWait(callId, n)`: the queue of its n-th wait. */
export function fsCallRecord(t: FsTimeline, queueOfWait: (callId: string, n: number) => string): CallRecord {
  const entries: TimelineEntry[] = [entry('arrived', t.arrivedAtMs)];
  let phones: string[] = [];
  let waits = 0; // waits begun so far (the arrival's is the first)
  let waitingAfterAgent = false;
  let firstAgent: { endpoint: string; atMs: number } | null = null;
  for (const m of t.media) {
    const joined = m.phones.filter((p) => !phones.includes(p));
    for (const agent of joined) {
      firstAgent ??= { endpoint: agent, atMs: m.atMs };
      entries.push(entry('connected-to-agent', m.atMs, { agent }));
      waitingAfterAgent = false;
    }
    if (phones.length > 0 && m.phones.length === 0) {
      // Alone again, alive: a new wait (as leaving sim-pbx's mixing bridge alive).
      entries.push(entry('left-bridge', m.atMs, { type: 'mixing' }));
      waitingAfterAgent = true;
      waits++;
    }
    phones = m.phones;
  }
  if (t.referredTo !== null || t.redirectedTo !== null)
    entries.push(entry(t.redirectedTo !== null ? 'redirected' : 'referred', t.endedAtMs ?? Date.now()));
  if (t.endedAtMs !== null) {
    // The caller hung up while waiting after an agent: that wait's queue, so it counts as an abandon.
    if (waitingAfterAgent && (t.endedBy === 'caller' || t.endedBy === 'patience'))
      entries.push(
        entry('entered-bridge', t.endedAtMs, {
          type: 'holding',
          bridge: `queue-${queueOfWait(t.callId, waits)}`,
        }),
      );
    entries.push(entry('ended', t.endedAtMs));
  }
  return {
    callId: t.callId,
    channelId: t.callId,
    line: t.line,
    caller: { name: '', number: t.callerNumber ?? '', withheld: t.callerNumber === null },
    patienceSec: null,
    route: 'stasis',
    arrivedAtMs: t.arrivedAtMs,
    answeredByPbxAtMs: t.answeredByPbxAtMs,
    answeredBy: firstAgent?.endpoint ?? null,
    answeredByAgentAtMs: firstAgent?.atMs ?? null,
    agents: t.agents,
    agentLegs: [],
    endedAtMs: t.endedAtMs,
    endedBy: t.endedBy,
    cause: null,
    entries,
  };
}
