// When a room's coalesced update goes out: at most one flush per `intervalMs` (the rate cap), and
// no change held longer than the cap needs. A request after a quiet spell (no flush in the last
// interval) flushes at once — leading edge, on the next macrotask so that one command's events go
// out together; a request inside the window waits for the window's end — trailing edge — and every
// request until then is folded into that one flush (coalescing). One timer at most, so flushes
// never overlap and go out in the order they were asked for; what a flush sends is the caller's
// (it gathers the changes noted since the last one).
// Under steady traffic every flush is a trailing one: the oldest change of each update has waited
// about one interval, which is the cap's price (bench fanout: `coalescingFloorMs`).
export class UpdateThrottle {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: () => void,
    /** A monotonic clock in ms (performance.now; a fake one in tests). */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(intervalMs >= 0) || !Number.isFinite(intervalMs))
      throw new Error(`update throttle: intervalMs must be a finite number ≥ 0, got ${intervalMs}`);
  }

  /** Something changed: flush now if the window allows, else once at the window's end. */
  request(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.last + this.intervalMs - this.now()));
  }

  /** Whether a flush is waiting for its time. */
  get pending(): boolean {
    return this.timer !== null;
  }

  private fire(): void {
    this.timer = null;
    // A timer may fire a hair early: never two flushes closer than the interval.
    const early = this.last + this.intervalMs - this.now();
    if (early > 0) {
      this.timer = setTimeout(() => this.fire(), Math.ceil(early));
      return;
    }
    this.last = this.now();
    this.flush();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
