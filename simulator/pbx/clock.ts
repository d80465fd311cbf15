// Time for sim-pbx. Injectable so that tests and the conformance runner can run a scenario faster
// than real time: a scaled clock reports virtual milliseconds and fires timers `scale` times sooner.

export interface Clock {
  /** Virtual epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
}

export interface Timer {
  cancel(): void;
}

class ScaledClock implements Clock {
  private readonly startReal = Date.now();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly scale: number) {}

  now(): number {
    return this.startReal + (Date.now() - this.startReal) / this.scale;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const handle = setTimeout(
      () => {
        this.timers.delete(handle);
        fn();
      },
      Math.max(0, ms * this.scale),
    );
    this.timers.add(handle);
    return { cancel: () => this.clearHandle(handle) };
  }

  clearTimeout(timer: Timer): void {
    timer.cancel();
  }

  private clearHandle(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.timers.delete(handle);
  }
}

/** Wall-clock time. */
export function realClock(): Clock {
  return new ScaledClock(1);
}

/** Virtual time running `1 / scale` times faster than the wall clock (scale 0.1: ten times faster). */
export function scaledClock(scale: number): Clock {
  if (!(scale > 0)) throw new Error(`clock scale must be > 0, got ${scale}`);
  return new ScaledClock(scale);
}

/** Asterisk's timestamp format: 2026-11-23T07:43:22.879+0000. */
export function asteriskTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * A scaled clock that can be paused: virtual time stands still while paused, and timers due in the
 * future wait for it; zero-delay timers (work, not time) still run. The conformance runner pauses it
 * while it performs an action, so only the recorded time between actions elapses, however slow the
 * machine.
 */
export class PausableClock implements Clock {
  private virtualBase: number;
  private realBase = Date.now();
  private paused = false;
  private seq = 0;
  private readonly due: { at: number; seq: number; fn: () => void; live: boolean }[] = [];
  private realTimer: NodeJS.Timeout | null = null;
  private readonly immediates = new Set<NodeJS.Timeout>();

  constructor(private readonly scale: number) {
    if (!(scale > 0)) throw new Error(`clock scale must be > 0, got ${scale}`);
    this.virtualBase = Date.now();
  }

  now(): number {
    return this.paused ? this.virtualBase : this.virtualBase + (Date.now() - this.realBase) / this.scale;
  }

  pause(): void {
    if (this.paused) return;
    this.pauseAt(this.now());
  }

  /** Stop virtual time at `t` (not later than now), first running every timer due by then, so that
   *  a timer racing with the pause is never held over. */
  pauseAt(t: number): void {
    const at = Math.min(t, this.now());
    while (this.due.length > 0 && this.due[0]!.at <= at) {
      const entry = this.due.shift()!;
      if (entry.live) entry.fn();
    }
    this.virtualBase = at;
    this.paused = true;
    this.arm();
  }

  resume(): void {
    if (!this.paused) return;
    this.realBase = Date.now();
    this.paused = false;
    this.arm();
  }

  setTimeout(fn: () => void, ms: number): Timer {
    if (ms <= 0) {
      const handle = setTimeout(() => {
        this.immediates.delete(handle);
        fn();
      }, 0);
      this.immediates.add(handle);
      return {
        cancel: () => {
          clearTimeout(handle);
          this.immediates.delete(handle);
        },
      };
    }
    const entry = { at: this.now() + ms, seq: this.seq++, fn, live: true };
    this.due.push(entry);
    this.due.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.arm();
    return {
      cancel: () => {
        entry.live = false;
      },
    };
  }

  clearTimeout(timer: Timer): void {
    timer.cancel();
  }

  /** While paused: move virtual time to the next due timer and run it (and any due with it).
   *  The conformance runner does this while sim-pbx holds an HTTP answer on its clock (answer). */
  advanceToNext(): boolean {
    while (this.due.length > 0 && !this.due[0]!.live) this.due.shift();
    const next = this.due[0];
    if (!this.paused || !next) return false;
    this.virtualBase = Math.max(this.virtualBase, next.at);
    while (this.due.length > 0 && this.due[0]!.at <= this.virtualBase) {
      const entry = this.due.shift()!;
      if (entry.live) entry.fn();
    }
    return true;
  }

  /** Resolves once no zero-delay work is pending (it runs at the current virtual instant). */
  async settle(maxRounds = 200): Promise<void> {
    for (let i = 0; i < maxRounds && this.immediates.size > 0; i++) {
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  /** Stop every pending timer. */
  dispose(): void {
    this.due.length = 0;
    if (this.realTimer) clearTimeout(this.realTimer);
    for (const h of this.immediates) clearTimeout(h);
    this.immediates.clear();
  }

  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = null;
    while (this.due.length > 0 && !this.due[0]!.live) this.due.shift();
    const next = this.due[0];
    if (this.paused || !next) return;
    this.realTimer = setTimeout(() => this.fire(), Math.max(0, (next.at - this.now()) * this.scale));
  }

  private fire(): void {
    this.realTimer = null;
    const now = this.now();
    while (!this.paused && this.due.length > 0 && this.due[0]!.at <= now) {
      const entry = this.due.shift()!;
      if (entry.live) entry.fn();
    }
    this.arm();
  }
}
