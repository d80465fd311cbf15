// The in-memory command log: this process is the site's only writer, decisions are immediate and
// last as long as the process. Used by the demo when no redis-server is at hand, by tests and benches.
import type { Command } from '../core/commands.js';
import type { SiteConfig } from '../core/config.js';
import type { Result } from '../core/engine.js';
import { initialState, type State } from '../core/state.js';
import type { Logger } from '../ports/logger.js';
import type { CommandLog, DecisionListener, EventListener, LogRole } from './command-log.js';
import { Decider } from './decider.js';
import { Listeners } from './listeners.js';

export class MemoryLog implements CommandLog {
  readonly siteId: string;
  readonly state: State;
  role: LogRole = 'leader';
  private readonly decider: Decider;
  private readonly events: Listeners<Parameters<EventListener>>;
  private readonly decided: Listeners<Parameters<DecisionListener>>;
  private readonly batches: Listeners<[]>;
  private readonly roles: Listeners<[LogRole, number | undefined]>;

  constructor(
    config: SiteConfig,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
    state?: State,
  ) {
    this.siteId = config.id;
    this.state = state ?? initialState(config);
    this.decider = new Decider(log);
    this.events = new Listeners(log, 'event listener failed');
    this.decided = new Listeners(log, 'decision listener failed');
    this.batches = new Listeners(log, 'batch listener failed');
    this.roles = new Listeners(log, 'role listener failed');
  }

  submit(command: Command, at?: number): Promise<Result> {
    if (this.role === 'stopped')
      return Promise.resolve({ ok: false, reason: 'site-stopped', message: 'the site is stopped' });
    const result = this.decider.decide(this.state, command, at ?? this.clock());
    if (result.ok) {
      if (result.events.length > 0) this.events.emit(result.events, this.state);
      this.decided.emit(result, this.state);
    }
    this.batches.emit();
    return Promise.resolve(result);
  }

  onEvents(listener: EventListener): () => void {
    return this.events.add(listener);
  }

  onDecided(listener: DecisionListener): void {
    this.decided.add(listener);
  }

  onBatch(listener: () => void): void {
    this.batches.add(listener);
  }

  /** Always the leader until stopped. */
  onRoleChange(listener: (role: LogRole, epoch: number | undefined) => void): void {
    this.roles.add(listener);
  }

  stop(): Promise<void> {
    this.role = 'stopped';
    this.roles.emit('stopped', undefined);
    return Promise.resolve();
  }
}
