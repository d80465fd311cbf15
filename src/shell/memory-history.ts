// The history of a site held in memory only (tests, development, the demo without redis-server):
// what this process has seen since it started, without the caller's personal data.
import type { Event } from '../core/events.js';
import { withoutPersonalData } from '../core/personal-data.js';
import type { HistoryRead, HistorySource } from '../ports/history.js';
import type { SiteHandle } from '../ports/site-handle.js';

/**
 * The events seen by this process, without personal data, at most `limit` (the oldest go first;
 * what went is reported as a gap). Meant for in-memory sites; a stored site reads Redis instead.
 */
export class MemoryHistory implements HistorySource {
  private readonly events: Event[] = [];
  private droppedUpTo: number | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    site: SiteHandle,
    private readonly limit = 500_000,
  ) {
    this.unsubscribe = site.onEvents((events) => {
      for (const e of events) this.events.push(withoutPersonalData(e));
      const excess = this.events.length - this.limit;
      if (excess > 0) this.droppedUpTo = this.events.splice(0, excess).at(-1)!.at;
    });
  }

  read(from: number, to: number, onEvent: (event: Event) => void): Promise<HistoryRead> {
    let count = 0;
    for (const e of this.events) {
      if (e.at < from || e.at >= to) continue;
      count += 1;
      onEvent(e);
    }
    const gaps =
      this.droppedUpTo !== null && this.droppedUpTo >= from ? [{ fromMs: 0, toMs: this.droppedUpTo }] : [];
    return Promise.resolve({ events: count, gaps, archivedHours: 0, fromStream: count });
  }

  close(): void {
    this.unsubscribe();
  }
}
