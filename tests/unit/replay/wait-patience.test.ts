// sim-pbx's per-wait patience (simulator/pbx/wait-patience.ts): which timeline entries start a new
// wait's patience, which stop it, and that only the latest wait's timer may hang the caller up.
import { describe, expect, it } from 'vitest';
import type { Timer } from '../../../simulator/pbx/clock.js';
import { patienceStep, WaitPatience, type WaitState } from '../../../simulator/pbx/wait-patience.js';

const holding = (queue: string) => ({
  kind: 'entered-bridge' as const,
  detail: { bridge: `queue-${queue}`, type: 'holding' },
});
const mixingIn = { kind: 'entered-bridge' as const, detail: { bridge: 'call-1', type: 'mixing' } };
const mixingOut = { kind: 'left-bridge' as const, detail: { bridge: 'call-1', type: 'mixing' } };
const holdingOut = (queue: string) => ({
  kind: 'left-bridge' as const,
  detail: { bridge: `queue-${queue}`, type: 'holding' },
});
const agent = { kind: 'connected-to-agent' as const, detail: { agent: 'PJSIP/arm-1' } };

/** The moves of a sequence of entries from a fresh call. */
function moves(entries: Parameters<typeof patienceStep>[1][]): string[] {
  let s: WaitState = { waiting: false, queue: null, done: false };
  return entries.map((e) => {
    const [next, move] = patienceStep(s, e);
    s = next;
    return `${e.kind}:${move}`;
  });
}

describe('patienceStep', () => {
  it('one wait from the arrival through the first queue, stopped by the N1 answer', () => {
    expect(moves([{ kind: 'arrived' }, holding('n1'), holdingOut('n1'), mixingIn, agent])).toEqual([
      'arrived:start',
      'entered-bridge:keep',
      'left-bridge:keep',
      'entered-bridge:keep',
      'connected-to-agent:stop',
    ]);
  });

  it('a new wait, with the whole patience, when the ARM sends the caller on to N2', () => {
    expect(
      moves([
        { kind: 'arrived' },
        mixingIn,
        agent,
        mixingOut,
        holding('n2-amu'),
        holdingOut('n2-amu'),
        mixingIn,
        agent,
      ]),
    ).toEqual([
      'arrived:start',
      'entered-bridge:keep',
      'connected-to-agent:stop',
      'left-bridge:start', // alone again: N2's wait begins
      'entered-bridge:keep', // the same wait, now known to be N2 AMU's
      'left-bridge:keep',
      'entered-bridge:keep',
      'connected-to-agent:stop',
    ]);
  });

  it('straight into another queue after an agent, and moved from one queue to another: each a new wait', () => {
    expect(
      moves([{ kind: 'arrived' }, agent, holding('n2-mg'), holding('n2-amu'), holding('n2-amu')]),
    ).toEqual([
      'arrived:start',
      'connected-to-agent:stop',
      'entered-bridge:start',
      'entered-bridge:start',
      'entered-bridge:keep',
    ]);
  });

  it('a doctor brought in beside the ARM is no wait; a caller sent to a partner or gone waits no more', () => {
    expect(
      moves([{ kind: 'arrived' }, agent, agent, { kind: 'continued' }, holding('n1'), mixingOut]),
    ).toEqual([
      'arrived:start',
      'connected-to-agent:stop',
      'connected-to-agent:keep',
      'continued:keep',
      'entered-bridge:keep', // done: nothing restarts it
      'left-bridge:keep',
    ]);
    expect(moves([{ kind: 'arrived' }, holding('n1'), { kind: 'ended' }])).toEqual([
      'arrived:start',
      'entered-bridge:keep',
      'ended:stop',
    ]);
  });
});

describe('WaitPatience', () => {
  /** Timers fired by hand: each remembers its delay and whether it was cancelled. */
  function harness() {
    const timers: { ms: number; fn: () => void; cancelled: boolean }[] = [];
    const gaveUp: string[] = [];
    const w = new WaitPatience(
      (_callId, ms, fn) => {
        const t = { ms, fn, cancelled: false };
        timers.push(t);
        return { cancel: () => (t.cancelled = true) } as Timer;
      },
      (callId) => gaveUp.push(callId),
    );
    return { w, timers, gaveUp };
  }

  it('arms the whole patience at each new wait, cancels the one before, and gives up only on the live one', () => {
    const { w, timers, gaveUp } = harness();
    w.track('call-1', 15);
    w.onEntry('call-1', { kind: 'arrived' });
    w.onEntry('call-1', agent);
    w.onEntry('call-1', mixingOut);
    w.onEntry('call-1', holding('n2-amu'));
    expect(timers.map((t) => [t.ms, t.cancelled])).toEqual([
      [15_000, true],
      [15_000, false],
    ]);
    timers[0]!.fn(); // a cancelled timer that fires anyway (a race in the clock): ignored
    expect(gaveUp).toEqual([]);
    timers[1]!.fn();
    expect(gaveUp).toEqual(['call-1']);
  });

  it('ignores the calls it does not track, and forgets a call once it ended', () => {
    const { w, timers, gaveUp } = harness();
    w.onEntry('call-9', { kind: 'arrived' });
    expect(timers).toEqual([]);
    w.track('call-2', 5);
    w.onEntry('call-2', { kind: 'arrived' });
    w.onEntry('call-2', { kind: 'ended' });
    expect(timers[0]!.cancelled).toBe(true);
    timers[0]!.fn();
    w.onEntry('call-2', mixingOut); // nothing after the end
    expect(timers).toHaveLength(1);
    expect(gaveUp).toEqual([]);
  });
});
