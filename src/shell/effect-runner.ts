// Carries out the engine's effects through the telephony port, with one ordering policy: a call's
// effects run one after the other (hold, then connect, then release…), except that ringing an agent
// starts at once — it needs nothing before it, and the caller joining the queue's music must not
// delay the agent's phone; whatever follows the ring still waits for both. A ring never overtakes
// an earlier effect on the same agent of the call (the cancel of its previous ring: run after the
// new ring, it would cancel that one). Calls run in parallel.
import type { Effect } from '../core/effects.js';
import type { Logger } from '../ports/logger.js';

export type EffectExecutor = (effect: Effect) => Promise<void>;

export class EffectRunner {
  private readonly chains = new Map<string, Promise<void>>();
  /** Effects scheduled and not finished, by call and agent. */
  private readonly onAgent = new Map<string, number>();

  constructor(
    private readonly run: EffectExecutor,
    private readonly log: Logger,
  ) {}

  /**
   * Queues the effect; resolves once it has been attempted: true when the executor carried it out
   * (its own failures it reports as commands), false when it threw (logged, never thrown).
   */
  schedule(effect: Effect): Promise<boolean> {
    const key = effect.callId;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const agentKey = 'agentId' in effect ? `${key}|${effect.agentId}` : null;
    const overtakes = effect.type === 'ringAgent' && !this.onAgent.get(agentKey!);
    if (agentKey) this.onAgent.set(agentKey, (this.onAgent.get(agentKey) ?? 0) + 1);
    const ringing = overtakes ? this.attempt(effect) : null;
    const done = ringing ?? previous.then(() => this.attempt(effect));
    const next = ringing
      ? Promise.all([previous, ringing]).then(() => undefined)
      : done.then(() => undefined);
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    if (agentKey)
      void done.then(() => {
        const n = (this.onAgent.get(agentKey) ?? 1) - 1;
        if (n > 0) this.onAgent.set(agentKey, n);
        else this.onAgent.delete(agentKey);
      });
    return done;
  }

  /** Resolves when every effect scheduled so far has been carried out. */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private attempt(effect: Effect): Promise<boolean> {
    return this.run(effect).then(
      () => true,
      (err: unknown) => {
        this.log.error({ err, effect: effect.type, callId: effect.callId }, 'effect failed');
        return false;
      },
    );
  }
}
