// Ground truth of a replay, from sim-pbx's own timelines (what each caller lived on the PBX), never
// from the ACD's events. A wait starts when the caller arrives on the trunk, or enters a queue's
// holding bridge (`queue-<id>`, one per queue step) after an agent; it ends when the caller is
// connected to an agent (answered), hangs up (abandoned), or leaves otherwise (redirected to a
// partner, moved to another queue, hung up by the PBX): as the ACD counts its queue steps.
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
  /** Simulated seconds per real second. */
  speed: number;
  /** Real milliseconds either side of a threshold within which a wait may fall on either side. */
  toleranceMs: number;
};

const HOLDING_PREFIX = 'queue-';

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
    let waiting: { queue: string | null; startMs: number } | null = null;
    let answered = false;
    let elsewhere = false;
    /** Ends the current wait: one offer of its queue, whatever the end. */
    const close = () => {
      const w = waiting!;
      waiting = null;
      const id = w.queue ?? o.entryQueue(call.line);
      q(id).offered++;
      return id;
    };
    for (const e of call.entries) {
      switch (e.kind) {
        case 'arrived':
          waiting = { queue: null, startMs: e.atMs };
          break;
        case 'entered-bridge': {
          const name = String(e.detail?.bridge ?? '');
          if (e.detail?.type !== 'holding' || !name.startsWith(HOLDING_PREFIX)) break;
          const id = name.slice(HOLDING_PREFIX.length);
          if (waiting && waiting.queue === null) waiting.queue = id;
          else if (waiting && waiting.queue !== id) {
            close(); // moved on to another queue while waiting: an "other exit" of the first
            waiting = { queue: id, startMs: e.atMs };
          } else if (!waiting) waiting = { queue: id, startMs: e.atMs };
          break;
        }
        case 'connected-to-agent': {
          answered = true;
          if (!waiting) {
            out.calls.conferenceAnswers++;
            break;
          }
          const startMs = (waiting as { startMs: number }).startMs;
          const id = close();
          const fig = q(id);
          const ms = e.atMs - startMs;
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
          elsewhere = true;
          if (waiting) close();
          break;
        case 'ended':
          if (waiting) {
            const id = close();
            if (call.endedBy === 'caller' || call.endedBy === 'patience') q(id).abandoned++;
          }
          if (!answered && !elsewhere && call.endedBy === 'pbx') out.calls.lost++;
          break;
        default:
          break;
      }
    }
    if (call.endedAtMs === null) {
      out.calls.stuck++;
      if (waiting) close();
    }
  }
  for (const fig of Object.values(queues)) {
    fig.meanWaitSeconds = fig.answered > 0 ? (fig.waitSumMs / fig.answered / 1000) * o.speed : null;
  }
  return out;
}
