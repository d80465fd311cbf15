// One timer for the engine's next deadline (ring-no-answer, wrap-up end, overflow tiers, calendar):
// re-armed after every batch the writer persists, it sends `timerFired` through the command log like
// any other command, so a timer decision is persisted and replicated like the rest. Only the leader
// arms it; a new leader re-arms from its recovered state.
import type { Result } from '../core/engine.js';
import { nextWakeAt } from '../core/engine.js';
import type { State } from '../core/state.js';
import type { Logger } from '../ports/logger.js';

const MAX_DELAY_MS = 2_147_000_000;
const RETRY_MS = 200;

export class DeadlineTimer {
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private active = false;

  constructor(
    private readonly state: () => State,
    private readonly fire: () => Promise<Result>,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** Start (leader) or stop (standby, stopped) arming. */
  setActive(active: boolean): void {
    this.active = active;
    this.inFlight = false;
    if (active) this.arm();
    else this.disarm();
  }

  /** Re-arms from the state's next deadline; a `timerFired` on its way is awaited first. */
  arm(): void {
    this.disarm();
    if (!this.active || this.inFlight) return;
    const wake = nextWakeAt(this.state());
    if (wake === undefined) return;
    const delay = Math.max(0, Math.min(wake - this.clock(), MAX_DELAY_MS));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.active) return;
      this.inFlight = true;
      this.fire().then(
        (result) => {
          this.inFlight = false;
          if (!result.ok && result.reason === 'store-unavailable') {
            this.log.warn({ reason: result.reason }, 'timerFired not sent; retrying');
            setTimeout(() => this.arm(), RETRY_MS).unref();
          } else this.arm();
        },
        (err: unknown) => {
          this.inFlight = false;
          this.log.warn({ err }, 'timerFired failed; retrying');
          setTimeout(() => this.arm(), RETRY_MS).unref();
        },
      );
    }, delay);
    this.timer.unref();
  }

  /** Fires now if a deadline is already due (a site starting in memory decides its calendar at once). */
  async catchUp(): Promise<void> {
    const wake = this.active ? nextWakeAt(this.state()) : undefined;
    if (wake === undefined || wake > this.clock() || this.inFlight) return;
    this.disarm();
    this.inFlight = true;
    try {
      await this.fire();
    } finally {
      this.inFlight = false;
      this.arm();
    }
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
