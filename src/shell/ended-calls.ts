// The calls this process saw end lately (from the site's events, leader or standby), so that a new
// leader taking over the PBX recognises a caller still up for a call the engine already ended (the
// old leader died before hanging it up) and hangs it up, instead of taking it for a new arrival.
import type { Event } from '../core/events.js';

/** Enough for hours of a busy SAS; the oldest are forgotten first. */
const KEEP = 50_000;

export class EndedCalls {
  private readonly ended = new Set<string>();

  constructor(private readonly keep = KEEP) {}

  /** An event listener: give it to the shell before it opens (SiteShellOptions.onEvents). */
  record = (events: readonly Event[]): void => {
    for (const e of events) {
      if (e.type !== 'CallEnded') continue;
      this.ended.add(e.callId);
      if (this.ended.size > this.keep) this.ended.delete(this.ended.values().next().value!);
    }
  };

  has = (callId: string): boolean => this.ended.has(callId);
}
