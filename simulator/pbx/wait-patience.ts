// A caller's patience applied to each of its waits (`"patiencePerWait": true` on POST /sim/calls),
// as the digital twin plays it: a caller left alone again (sent on to N2, to the doctor, moved to
// another queue) gives that wait its whole patience again. Without it, sim-pbx's patience runs from
// the arrival until the first agent answers (a caller never gives up at N2). The waits are read
// from the call's own timeline entries, as the replay's ground truth reads them
// (simulator/replay/ground-truth.ts): one starts at the arrival, when the caller leaves the agents'
// (mixing) bridge alive, or when it enters another queue's holding bridge (`queue-<id>`); it ends
// when an agent is connected, when the caller is sent elsewhere (a partner SAS) or hangs up.
import type { Timer } from './clock.js';
import type { TimelineEntry } from './timeline.js';

/** Where the caller stands: waiting (in which queue, once known) or not. */
export type WaitState = { waiting: boolean; queue: string | null; done: boolean };

/** What an entry does to the patience: start a new wait's patience, stop it, or nothing. */
export type PatienceMove = 'start' | 'stop' | 'keep';

const HOLDING_PREFIX = 'queue-';

/** The next state and what to do with the timer, for one timeline entry (pure). */
export function patienceStep(
  s: WaitState,
  e: Pick<TimelineEntry, 'kind' | 'detail'>,
): [WaitState, PatienceMove] {
  if (s.done) return [s, 'keep'];
  switch (e.kind) {
    case 'arrived':
      return [{ waiting: true, queue: null, done: false }, 'start'];
    case 'connected-to-agent':
      return [{ ...s, waiting: false, queue: null }, s.waiting ? 'stop' : 'keep'];
    case 'left-bridge':
      if (e.detail?.type === 'mixing' && !s.waiting) return [{ ...s, waiting: true, queue: null }, 'start'];
      return [s, 'keep'];
    case 'entered-bridge': {
      const name = String(e.detail?.bridge ?? '');
      if (e.detail?.type !== 'holding' || !name.startsWith(HOLDING_PREFIX)) return [s, 'keep'];
      const queue = name.slice(HOLDING_PREFIX.length);
      // The wait that began at the arrival or on leaving the agents goes on in its first queue.
      if (s.waiting && s.queue === null) return [{ ...s, queue }, 'keep'];
      if (s.waiting && s.queue === queue) return [s, 'keep'];
      return [{ ...s, waiting: true, queue }, 'start'];
    }
    case 'continued':
    case 'redirected':
    case 'referred':
    case 'ended':
      // Out of this SAS's queues (or gone): no wait of ours left to give up on.
      return [{ waiting: false, queue: null, done: true }, s.waiting ? 'stop' : 'keep'];
    default:
      return [s, 'keep'];
  }
}

type Tracked = { state: WaitState; patienceMs: number; timer: Timer | null };

/** The per-wait patience of the calls that asked for it, driven by their timeline entries. */
export class WaitPatience {
  private readonly calls = new Map<string, Tracked>();

  /**
   * `arm` runs `fn` after `ms` on the sim's clock (a timer cancelled with the caller's channel);
   * `giveUp` hangs the caller up as its patience ran out.
   */
  constructor(
    private readonly arm: (callId: string, ms: number, fn: () => void) => Timer | null,
    private readonly giveUp: (callId: string) => void,
  ) {}

  /** Follows `callId` from now on; its arrival entry is passed to `onEntry` next. */
  track(callId: string, patienceSec: number): void {
    this.calls.set(callId, {
      state: { waiting: false, queue: null, done: false },
      patienceMs: patienceSec * 1000,
      timer: null,
    });
  }

  onEntry(callId: string, e: Pick<TimelineEntry, 'kind' | 'detail'>): void {
    const t = this.calls.get(callId);
    if (!t) return;
    const [state, move] = patienceStep(t.state, e);
    t.state = state;
    if (move !== 'keep') {
      t.timer?.cancel();
      t.timer = null;
    }
    if (move === 'start') {
      const timer = this.arm(callId, t.patienceMs, () => {
        if (t.timer !== timer || !t.state.waiting) return;
        t.timer = null;
        this.giveUp(callId);
      });
      t.timer = timer;
    }
    if (state.done) this.calls.delete(callId);
  }
}
