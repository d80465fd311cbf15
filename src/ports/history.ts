// Where the exports read a site's past events: the Redis archive plus the stream not archived yet
// (a SiteShell on Redis), or, for a site held in memory only (src/shell/memory-history.ts), what this process has
// seen since it started. Either way the events come without the caller's personal data.
import type { Event } from '../core/events.js';
import type { HistoryRead } from '../store/archive.js';

export type { HistoryRead };

export interface HistorySource {
  /** Passes the site's events whose time is in [from, to), in order, to `onEvent`. */
  read(from: number, to: number, onEvent: (event: Event) => void): Promise<HistoryRead>;
}
