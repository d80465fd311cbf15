// The effect outbox: the leader carries the engine's effects out through an EffectRunner, and none
// is ever dropped. Each decision's effects are kept until they have been carried out: in Redis, in
// the same fenced append as the decision's events (src/store/effect-outbox.ts), in memory otherwise.
//
// When the shell is gated (serve: effects need the PBX), effects wait while there is no usable PBX
// link: until `takeOver` has re-adopted the PBX, nothing is carried out. A take-over
// - reads what is pending (left by a dead leader, or decided here while the link was down);
// - cuts at a batch boundary, where the working state holds exactly the decisions delivered so far,
//   and gives that state's snapshot (the telephony plan) and the pending effects to `adopt`, which
//   makes the PBX match the plan and says which pending effects the plan does not cover (a redirect,
//   a dial-out…): only those are carried out, so nothing is done twice (an agent is never rung
//   again on top of the ring adoption made);
// - then carries out, in order, what was decided after the cut, and from then on each decision as
//   it comes. An entry is deleted once carried out; whatever a crash interrupts is the next
//   leader's (ringing an agent twice is avoided by the same reconciliation).
import type { Effect } from '../core/effects.js';
import type { State } from '../core/state.js';
import type { Logger } from '../ports/logger.js';
import type { CommandLog } from './command-log.js';
import type { EffectRunner } from './effect-runner.js';

export type OutboxEntry = { id: string; order: string; effects: readonly Effect[] };

export interface OutboxStore {
  /** In memory: keeps the entry (Redis wrote it with the decision's events). */
  add?(entry: OutboxEntry): void;
  /** Entries not carried out yet, oldest first. */
  pending(): Promise<OutboxEntry[]>;
  done(ids: readonly string[]): Promise<void>;
}

export class MemoryOutboxStore implements OutboxStore {
  private readonly entries = new Map<string, OutboxEntry>();

  add(entry: OutboxEntry): void {
    this.entries.set(entry.id, entry);
  }

  pending(): Promise<OutboxEntry[]> {
    return Promise.resolve([...this.entries.values()]);
  }

  done(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.entries.delete(id);
    return Promise.resolve();
  }
}

export type TakeOver<T> = {
  /** Called at a batch boundary: what the telephony should look like for this state. */
  snapshot(state: State): T;
  /**
   * Makes the PBX match the snapshot; returns those of the pending effects (oldest first) that it
   * does not cover and that must still be carried out, in order.
   */
  adopt(snapshot: T, pending: readonly Effect[]): Promise<readonly Effect[]>;
};

export type TakeOverReport = {
  /** Outbox entries found pending (left by the previous leader or decided while the link was down). */
  entries: number;
  /** Their effects: carried out now, or already covered by the re-adoption. */
  carriedOut: number;
  covered: number;
  /** Decisions taken during the re-adoption, carried out right after it. */
  afterCut: number;
};

const RETRY_MS = 300;

export class EffectOutbox {
  private open: boolean;
  private buffered: OutboxEntry[] = [];
  private generation = 0;
  private readonly doneIds: string[] = [];
  private flushing = false;
  private batchWaiters: (() => void)[] = [];
  private decisions = 0;

  constructor(
    private readonly log: CommandLog,
    private readonly runner: EffectRunner,
    private readonly store: OutboxStore,
    private readonly logger: Logger,
    private readonly gated: boolean,
  ) {
    this.open = !gated;
    log.onDecided((decision, _state, id) => this.decided(decision.effects, id));
    log.onBatch(() => {
      const waiters = this.batchWaiters;
      this.batchWaiters = [];
      for (const waiter of waiters) waiter();
    });
    log.onRoleChange((role) => {
      if (role !== 'leader') this.close();
      else if (!gated) this.open = true;
    });
  }

  /** Whether effects are being carried out as they are decided. */
  get carryingOut(): boolean {
    return this.open;
  }

  /** The PBX link is gone (or the lead): effects wait in the outbox for the next take-over. */
  close(): void {
    this.generation += 1;
    this.open = false;
    this.buffered = [];
  }

  /** Re-adopts the PBX and finishes what is pending; then effects are carried out as decided. */
  async takeOver<T>(how: TakeOver<T>): Promise<TakeOverReport | null> {
    const generation = ++this.generation;
    this.open = false;
    const stored = await this.store.pending();
    if (generation !== this.generation) return null;
    const cut = await this.atBatchBoundary(generation, () => {
      const known = new Set(stored.map((e) => e.id));
      const pending = [...stored, ...this.buffered.filter((e) => !known.has(e.id))];
      this.buffered = [];
      return { snapshot: how.snapshot(this.log.state), pending };
    });
    if (!cut) return null;
    const effects = cut.pending.flatMap((e) => e.effects);
    const toRun = await how.adopt(cut.snapshot, effects);
    if (generation !== this.generation) return null;
    let ranAll = true;
    for (const effect of toRun) ranAll = (await this.runner.schedule(effect)) && ranAll;
    if (generation !== this.generation || !ranAll) return null; // left pending for the next take-over
    for (const entry of cut.pending) this.markDone(entry.id);
    const after = this.buffered;
    this.buffered = [];
    this.open = true;
    for (const entry of after) this.carryOut(entry);
    return {
      entries: cut.pending.length,
      carriedOut: toRun.length,
      covered: effects.length - toRun.length,
      afterCut: after.length,
    };
  }

  private decided(effects: readonly Effect[], id: string): void {
    if (effects.length === 0) return;
    const entry: OutboxEntry = { id, order: `${Date.now()}-${++this.decisions}`, effects };
    this.store.add?.(entry);
    if (this.open) this.carryOut(entry);
    else this.buffered.push(entry);
  }

  private carryOut(entry: OutboxEntry): void {
    // An effect the executor could not carry out (no PBX link) stays in the outbox for the next
    // take-over, which finishes it or finds it covered.
    void Promise.all(entry.effects.map((effect) => this.runner.schedule(effect))).then((ran) => {
      if (ran.every(Boolean)) this.markDone(entry.id);
    });
  }

  /**
   * Runs `cut` at the next batch boundary (the working state then holds exactly the decisions
   * delivered); a `timerFired` makes one if the site is idle (it only decides what is already due).
   */
  private atBatchBoundary<R>(generation: number, cut: () => R): Promise<R | null> {
    return new Promise((resolve) => {
      let done = false;
      this.batchWaiters.push(() => {
        if (done) return;
        done = true;
        resolve(generation === this.generation ? cut() : null);
      });
      const nudge = (): void => {
        if (done) return;
        if (generation !== this.generation) {
          done = true;
          resolve(null);
          return;
        }
        void this.log.submit({ type: 'timerFired' }).then((result) => {
          if (!done && !result.ok) setTimeout(nudge, RETRY_MS).unref();
        });
      };
      nudge();
    });
  }

  private markDone(id: string): void {
    this.doneIds.push(id);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      const ids = this.doneIds.splice(0);
      this.store.done(ids).then(
        () => {
          this.flushing = false;
          if (this.doneIds.length > 0) this.markDone(this.doneIds.pop()!);
        },
        (err: Error) => {
          this.logger.warn({ err: err.message, entries: ids.length }, 'effect outbox not cleared; retrying');
          this.doneIds.push(...ids);
          setTimeout(() => {
            this.flushing = false;
            if (this.doneIds.length > 0) this.markDone(this.doneIds.pop()!);
          }, RETRY_MS).unref();
        },
      );
    });
  }
}
