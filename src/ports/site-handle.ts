// What the API, the realtime layer and the bots need of a site: its current state (a read model),
// a way to send commands, and the stream of events: a SiteShell (src/shell), in memory or on Redis;
// with the Redis store, commands go through the site's command stream to whichever process holds
// the writer lease, and the state is a read model tailing the event stream.
import type { Command } from '../core/commands.js';
import type { Result } from '../core/engine.js';
import type { State } from '../core/state.js';
import type { Event } from '../core/events.js';
import type { HistorySource } from './history.js';

/** Events as they become visible to this process, each once, in the site's order. */
export type EventListener = (events: Event[], state: State) => void;

export interface SiteHandle {
  readonly siteId: string;
  readonly state: State;
  /** `at`: when telephony observed it (epoch ms); the writer never goes back in time. */
  dispatch(command: Command, at?: number): Promise<Result>;
  onEvents(listener: EventListener): () => void;
  /**
   * After an `outcome-unknown` answer naming `commandId`: `decided`, `not-yet` (ask again) or
   * `unknown` (never seen here, or older than 24 h); see src/shell/command-outcome.ts.
   */
  commandOutcome?(commandId: string): Promise<'decided' | 'not-yet' | 'unknown'>;
  /** The site's past events (archive + stream) when it has a store; absent for in-memory sites. */
  readonly history?: HistorySource;
}
