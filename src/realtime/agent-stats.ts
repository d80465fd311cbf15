// Today's figures per agent (calls answered, talk time, qualifications, transfers), kept from the
// engine's events for the agent's panel. "Today" is the local day of the site's time zone; a new
// day starts from zero.
import { DateTime } from 'luxon';
import type { Event } from '../core/events.js';
import type { AgentStats } from '../read-models/views.js';

type Counters = { date: string; answered: number; talkMs: number; qualified: number; transferred: number };

export class AgentStatsBook {
  private readonly byAgent = new Map<string, Counters>();

  constructor(private timeZone: string) {}

  setTimeZone(zone: string): void {
    this.timeZone = zone;
    this.cached = { from: 0, until: -1, date: '' };
  }

  /** The local day holding `at`, cached with its bounds (time zone arithmetic is not free). */
  private cached = { from: 0, until: -1, date: '' };

  private day(at: number): string {
    const c = this.cached;
    if (at >= c.from && at < c.until) return c.date;
    const local = DateTime.fromMillis(at, { zone: this.timeZone });
    const start = local.startOf('day');
    this.cached = {
      from: start.toMillis(),
      until: start.plus({ days: 1 }).toMillis(),
      date: local.toISODate() ?? '',
    };
    return this.cached.date;
  }

  private counters(agentId: string, at: number): Counters {
    const date = this.day(at);
    let c = this.byAgent.get(agentId);
    if (!c || c.date !== date) {
      c = { date, answered: 0, talkMs: 0, qualified: 0, transferred: 0 };
      this.byAgent.set(agentId, c);
    }
    return c;
  }

  /** Returns the agents whose figures changed. */
  apply(events: Event[]): Set<string> {
    const changed = new Set<string>();
    for (const e of events) {
      switch (e.type) {
        case 'CallConnected':
          this.counters(e.agentId, e.at).answered++;
          break;
        case 'AgentLeftCall':
          this.counters(e.agentId, e.at).talkMs += e.talkMs;
          break;
        case 'CallQualified':
          this.counters(e.agentId, e.at).qualified++;
          break;
        case 'CallTransferred':
          this.counters(e.agentId, e.at).transferred++;
          break;
        default:
          continue;
      }
      changed.add(e.agentId);
    }
    return changed;
  }

  stats(agentId: string, now: number): AgentStats {
    const date = this.day(now);
    const c = this.byAgent.get(agentId);
    const cur = c && c.date === date ? c : { answered: 0, talkMs: 0, qualified: 0, transferred: 0 };
    return {
      date,
      answered: cur.answered,
      talkSeconds: cur.talkMs / 1000,
      meanTalkSeconds: cur.answered > 0 ? cur.talkMs / 1000 / cur.answered : null,
      qualified: cur.qualified,
      transferred: cur.transferred,
    };
  }
}
