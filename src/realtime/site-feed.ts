// One per site: listens to the site's events once and keeps what the engine's state does not hold
// but the room wants live (the rolling QS 30 s from the indicators reducer, today's figures per
// agent), then tells the API's listeners (supervisor and agent namespaces, metrics).
// QS counts first answers seen since this process started following the site.
import type { SiteHandle } from '../ports/site-handle.js';
import type { Event } from '../core/events.js';
import type { State } from '../core/state.js';
// The reducer's own modules, not the package index: the live path needs no report definitions.
import { createIndicators, type Indicators } from '../core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../core/indicators/reducer.js';
import { liveValues, queueQs, type RollingQs } from '../core/indicators/live.js';
import type { HistorySource } from '../ports/history.js';
import { AgentStatsBook } from './agent-stats.js';

/** The site's QS 30 s (first answers), and each queue's rolling service level against its threshold. */
export type Qs30 = RollingQs & { byQueue: Record<string, RollingQs> };
export type FeedListener = (events: Event[], state: State) => void;

export class SiteFeed {
  readonly stats: AgentStatsBook;
  private readonly acc: Indicators;
  private readonly listeners = new Set<FeedListener>();
  private readonly unsubscribe: () => void;

  constructor(readonly site: SiteHandle) {
    const config = site.state.data.config;
    this.acc = createIndicators(config);
    this.stats = new AgentStatsBook(config.calendar.timeZone);
    this.unsubscribe = site.onEvents((events, state) => this.apply(events, state));
  }

  private apply(events: Event[], state: State): void {
    if (this.pending) this.pending.push(...events);
    else this.fold(events);
    for (const l of this.listeners) l(events, state);
  }

  private fold(events: Event[]): void {
    for (const e of events) {
      applyIndicatorEvent(this.acc, e);
      if (e.type === 'ConfigReplaced') this.stats.setTimeZone(e.config.calendar.timeZone);
    }
    this.stats.apply(events);
  }

  /** Live events held back while `prime` reads the history. */
  private pending: Event[] | null = null;

  /**
   * Folds the site's history since `from` (today's local midnight) into the live figures, so
   * that a restarted process shows today's QS and agents' figures, not zeros. Live events that
   * arrive meanwhile are held back, then folded; the history is taken up to the first of them
   * (events carry no stream id here: a batch at the very same millisecond as an earlier one may
   * be left out, never counted twice).
   */
  async prime(history: HistorySource, from: number, to: number): Promise<number> {
    this.pending = [];
    const past: Event[] = [];
    try {
      await history.read(from, to, (e) => past.push(e));
    } finally {
      const live = this.pending;
      this.pending = null;
      const boundary = live[0]?.at ?? Infinity;
      const before = past.filter((e) => e.at < boundary);
      this.fold(before);
      this.fold(live);
      this.primed = before.length;
    }
    return this.primed;
  }

  /** Events of the history folded in by `prime`. */
  primed = 0;

  listen(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The indicators reducer's accumulator, for reports over the spans this process has seen. */
  get indicators(): Indicators {
    return this.acc;
  }

  qs30(now: number): Qs30 {
    const v = liveValues(this.acc, now);
    return {
      last15min: v['live.qs30Last15min'],
      lastHour: v['live.qs30LastHour'],
      today: v['live.qs30Today'],
      byQueue: queueQs(this.acc, now),
    };
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}
