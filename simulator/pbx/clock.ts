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
