// The imperative shell around one site's engine, in memory: commands in (from telephony, the API,
// timers), events out to listeners, effects carried out by the telephony port in order per call,
// and one timer re-armed after every command from the engine's next deadline.
import type { Command } from '../core/commands.js';
import type { SiteConfig } from '../core/config.js';
import type { Effect } from '../core/effects.js';
import { execute, nextWakeAt, type Result } from '../core/engine.js';
import type { Event } from '../core/events.js';
import { initialState, type State } from '../core/state.js';
import type { Logger } from '../ports/logger.js';

export type EventListener = (events: Event[], state: State) => void;

export type SiteRuntimeOptions = {
  config: SiteConfig;
  logger: Logger;
  clock?: () => number;
  /** Carries out an effect (the telephony port); called in order for each call. */
  effects?: (effect: Effect) => Promise<void>;
  state?: State;
};

export class SiteRuntime {
  readonly state: State;
  private readonly clock: () => number;
  private lastNow = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners: EventListener[] = [];
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly opts: SiteRuntimeOptions) {
    this.clock = opts.clock ?? Date.now;
    this.state = opts.state ?? initialState(opts.config);
  }

  onEvents(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  start(): void {
    this.dispatch({ type: 'timerFired' });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Runs a command now (or at the time telephony observed it, never going back in time). */
  dispatch(command: Command, at: number = this.clock()): Result {
    const now = Math.max(this.lastNow, at);
    this.lastNow = now;
    const result = execute(this.state, command, now);
    if (!result.ok) {
      this.opts.logger.info({ command: command.type, reason: result.reason }, 'command rejected');
    } else {
      if (result.events.length > 0) for (const l of this.listeners) l(result.events, this.state);
      for (const effect of result.effects) this.schedule(effect);
    }
    this.arm();
    return result;
  }

  /** Effects of one call run one after the other (hold, then bridge…), ringing at once; calls run in parallel. */
  private schedule(effect: Effect): void {
    const run = this.opts.effects;
    if (!run) return;
    const key = effect.callId;
    const previous = this.chains.get(key) ?? Promise.resolve();
    // Ringing the agent needs nothing before it (the caller may still be joining the queue's music):
    // start it now; whatever follows (connect, cancel) still waits for both.
    const ringing = effect.type === 'ringAgent' ? run(effect) : null;
    const next = (
      ringing ? Promise.all([previous, ringing]).then(() => undefined) : previous.then(() => run(effect))
    ).catch((err: unknown) => this.opts.logger.error({ err, effect: effect.type }, 'effect failed'));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Resolves when every effect scheduled so far has been carried out. */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wake = nextWakeAt(this.state);
    if (wake === undefined) return;
    const delay = Math.max(0, Math.min(wake - this.clock(), 2_147_000_000));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dispatch({ type: 'timerFired' });
    }, delay);
    this.timer.unref();
  }
}
