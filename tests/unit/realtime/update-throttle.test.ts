// The supervisor feed's throttle with fake timers: leading edge after a quiet spell, trailing edge
// inside the window, coalescing, order kept, never two flushes closer than the interval.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpdateThrottle } from '../../../src/realtime/update-throttle.js';

/** A publisher as the feed uses it: changes noted, each flush sends every change noted since the last. */
function room(intervalMs: number, clock: () => number = () => Date.now()) {
  const pending: number[] = [];
  const flushes: { at: number; changes: number[] }[] = [];
  const throttle = new UpdateThrottle(
    intervalMs,
    () => flushes.push({ at: Date.now(), changes: pending.splice(0) }),
    clock,
  );
  return {
    flushes,
    throttle,
    change(id: number) {
      pending.push(id);
      throttle.request();
    },
  };
}

describe('UpdateThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());
  const t0 = 1_000_000;

  it('leading edge: the first change after a quiet spell goes out on the next macrotask', () => {
    const r = room(250);
    r.change(1);
    r.change(2); // same command, same macrotask: one update
    expect(r.flushes).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(r.flushes).toEqual([{ at: t0, changes: [1, 2] }]);
    // Long after (more than the interval): at once again, not at a tick.
    vi.advanceTimersByTime(400);
    r.change(3);
    vi.advanceTimersByTime(0);
    expect(r.flushes[1]).toEqual({ at: t0 + 400, changes: [3] });
  });

  it('trailing edge: a change inside the window goes out at its end, folded with the others', () => {
    const r = room(250);
    r.change(1);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(10);
    r.change(2);
    vi.advanceTimersByTime(90);
    r.change(3);
    vi.advanceTimersByTime(100);
    r.change(4);
    expect(r.flushes).toHaveLength(1);
    expect(r.throttle.pending).toBe(true);
    vi.advanceTimersByTime(49);
    expect(r.flushes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(r.flushes).toEqual([
      { at: t0, changes: [1] },
      { at: t0 + 250, changes: [2, 3, 4] },
    ]);
    expect(r.throttle.pending).toBe(false);
    // Nothing new: no empty flush afterwards.
    vi.advanceTimersByTime(1000);
    expect(r.flushes).toHaveLength(2);
  });

  it('a change just after a trailing flush waits one whole window, not more', () => {
    const r = room(250);
    r.change(1);
    vi.advanceTimersByTime(0); // leading, t0
    vi.advanceTimersByTime(100);
    r.change(2);
    vi.advanceTimersByTime(150); // trailing, t0 + 250
    vi.advanceTimersByTime(1);
    r.change(3);
    vi.advanceTimersByTime(249);
    expect(r.flushes.map((f) => f.at - t0)).toEqual([0, 250, 500]);
    expect(r.flushes[2]!.changes).toEqual([3]);
  });

  it('under random traffic: no change lost or reordered, none held over one interval, at most 4 flushes in any second', () => {
    const r = room(250);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const noted: { id: number; at: number }[] = [];
    for (let id = 0; id < 2000; id++) {
      // Bursts and quiet spells: gaps from 0 to 600 ms.
      vi.advanceTimersByTime(Math.floor(random() < 0.9 ? random() * 20 : random() * 600));
      noted.push({ id, at: Date.now() });
      r.change(id);
    }
    vi.advanceTimersByTime(250);
    expect(r.flushes.flatMap((f) => f.changes)).toEqual(noted.map((n) => n.id));
    const flushOf = new Map(r.flushes.flatMap((f) => f.changes.map((id) => [id, f.at] as const)));
    for (const n of noted) expect(flushOf.get(n.id)! - n.at).toBeLessThanOrEqual(250);
    for (let i = 1; i < r.flushes.length; i++)
      expect(r.flushes[i]!.at - r.flushes[i - 1]!.at).toBeGreaterThanOrEqual(250);
    for (let i = 4; i < r.flushes.length; i++)
      expect(r.flushes[i]!.at - r.flushes[i - 4]!.at).toBeGreaterThanOrEqual(1000);
    // Both edges were exercised.
    expect(r.flushes.some((f, i) => i > 0 && f.at - r.flushes[i - 1]!.at > 250)).toBe(true);
    expect(r.flushes.some((f, i) => i > 0 && f.at - r.flushes[i - 1]!.at === 250)).toBe(true);
  });

  it('a timer that fires a hair early is put off: never two flushes closer than the interval', () => {
    let lag = 0;
    const r = room(250, () => Date.now() - lag);
    r.change(1);
    vi.advanceTimersByTime(0);
    r.change(2);
    lag = 0.5; // the monotonic clock reads the timer's due time as 0.5 ms early
    vi.advanceTimersByTime(250);
    expect(r.flushes).toHaveLength(1);
    lag = 0;
    vi.advanceTimersByTime(1);
    expect(r.flushes.map((f) => f.changes)).toEqual([[1], [2]]);
    expect(r.flushes[1]!.at - r.flushes[0]!.at).toBe(251);
  });

  it('close drops the waiting flush; a bad interval is refused', () => {
    const r = room(250);
    r.change(1);
    vi.advanceTimersByTime(0);
    r.change(2);
    r.throttle.close();
    vi.advanceTimersByTime(1000);
    expect(r.flushes).toHaveLength(1);
    expect(() => new UpdateThrottle(-1, () => undefined)).toThrow(/intervalMs/);
    expect(() => new UpdateThrottle(Number.NaN, () => undefined)).toThrow(/intervalMs/);
  });
});
