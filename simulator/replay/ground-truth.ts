// Ground truth of a replay, from sim-pbx's own timelines (what each caller lived on the PBX), never
// from the ACD's events. A wait starts when the caller arrives on the trunk, or is left without an
// agent (leaves the agents' mixing bridge alive); it ends when the caller is connected to an agent
// (answered), hangs up (abandoned), or leaves otherwise (redirected to a partner, moved to another
// queue, hung up by the PBX): as the ACD counts its queue steps. The queue is the holding bridge
// (`queue-<id>`, one per queue) the caller waited in; a caller connected before reaching one (an
// agent was free at once) is counted in the queue of the agent who answered (`queueOfAnswer`).
import type { CallRecord } from '../pbx/timeline.js';

export type QueueFigures = {
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithinThreshold: number;
  /** In simulated seconds (the real wait times the replay's speed); null when nothing was answered. */
  meanWaitSeconds: number | null;
};

/** What the ground truth knows beyond the compared figures: for the tolerances. */
export type QueueTruth = QueueFigures & {
  waitSumMs: number;
  /** Answers whose wait lies within the tolerance of the threshold: either side of it is fair. */
  nearThreshold: number;
};

export type GroundTruth = {
  queues: Record<string, QueueTruth>;
  calls: {
    /** Calls that came in on the trunk. */
    arrived: number;
    /** Ended on the PBX, never with an agent, not by the caller, not sent elsewhere. */
    lost: number;
    /** Not ended. */
    stuck: number;
    /** Answered by an agent while already with another one (a doctor brought into the call). */
    conferenceAnswers: number;
  };
};

export type TruthOptions = {
  /** Each queue's threshold in real seconds (as the ACD measures it). */
  thresholdRealSeconds: (queueId: string) => number;
  /** Queue of a wait that ended before any holding bridge (by the line's entry queue). */
  entryQueue: (line: string) => string;
  /** Queue of a wait answered before any holding bridge: by the agent, the call, its nth wait. */
  queueOfAnswer: (callId: string, agentEndpoint: string, waitIndex: number) => string | null;
  /** Simulated seconds per real second. */
  speed: number;
  /** Real milliseconds either side of a threshold within which a wait may fall on either side. */
  toleranceMs: number;
};

const HOLDING_PREFIX = 'queue-';

type Wait = { queue: string | null; startMs: number; afterAgent: boolean };

function newQueue(): QueueTruth {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    answeredWithinThreshold: 0,
    meanWaitSeconds: null,
    waitSumMs: 0,
    nearThreshold: 0,
  };
}

export function groundTruth(calls: Iterable<CallRecord>, o: TruthOptions): GroundTruth {
  const queues: Record<string, QueueTruth> = {};
  const out: GroundTruth = { queues, calls: { arrived: 0, lost: 0, stuck: 0, conferenceAnswers: 0 } };
  const q = (id: string) => (queues[id] ??= newQueue());
  for (const call of calls) {
    out.calls.arrived++;
    // One object, so that `close` (a closure) and the loop see the same wait.
    const now: { wait: Wait | null; answered: boolean; elsewhere: boolean; waits: number } = {
      wait: null,
      answered: false,
      elsewhere: false,
      waits: 0,
    };
    /** Ends the current wait: one offer of its queue, whatever the end. */
    const close = (queue?: string | null): string => {
      const w = now.wait!;
      now.wait = null;
      const id = w.queue ?? queue ?? o.entryQueue(call.line);
      q(id).offered++;
      now.waits++;
      return id;
    };
    for (const e of call.entries) {
      const w = now.wait;
      switch (e.kind) {
        case 'arrived':
          now.wait = { queue: null, startMs: e.atMs, afterAgent: false };
          break;
        case 'left-bridge':
          // Out of the agents' bridge alive: alone until the next agent (or the end of the call).
          if (e.detail?.type === 'mixing' && !w)
            now.wait = { queue: null, startMs: e.atMs, afterAgent: true };
          break;
        case 'entered-bridge': {
          const name = String(e.detail?.bridge ?? '');
          if (e.detail?.type !== 'holding' || !name.startsWith(HOLDING_PREFIX)) break;
          const id = name.slice(HOLDING_PREFIX.length);
          if (w && w.queue === null) w.queue = id;
          else if (w && w.queue !== id) {
            close(); // moved on to another queue while waiting: an "other exit" of the first
            now.wait = { queue: id, startMs: e.atMs, afterAgent: true };
          } else if (!w) now.wait = { queue: id, startMs: e.atMs, afterAgent: true };
          break;
        }
        case 'connected-to-agent': {
          now.answered = true;
          if (!w) {
            out.calls.conferenceAnswers++;
            break;
          }
          const id = close(o.queueOfAnswer(call.callId, String(e.detail?.agent ?? ''), now.waits));
          const fig = q(id);
          const ms = e.atMs - w.startMs;
          const threshold = o.thresholdRealSeconds(id) * 1000;
          fig.answered++;
          fig.waitSumMs += ms;
          if (ms < threshold) fig.answeredWithinThreshold++;
          if (Math.abs(ms - threshold) <= o.toleranceMs) fig.nearThreshold++;
          break;
        }
        case 'continued':
        case 'redirected':
        case 'referred':
          now.elsewhere = true;
          if (w) close();
          break;
        case 'ended':
          // Leaving the agents' bridge as the call ends is the end, not a wait.
          if (w && w.afterAgent && w.queue === null) now.wait = null;
          else if (w) {
            const id = close();
            if (call.endedBy === 'caller' || call.endedBy === 'patience') q(id).abandoned++;
          }
          if (!now.answered && !now.elsewhere && call.endedBy === 'pbx') out.calls.lost++;
          break;
        default:
          break;
      }
    }
    if (call.endedAtMs === null) {
      out.calls.stuck++;
      if (now.wait) close();
    }
  }
  for (const fig of Object.values(queues)) {
    fig.meanWaitSeconds = fig.answered > 0 ? (fig.waitSumMs / fig.answered / 1000) * o.speed : null;
  }
  return out;
}
