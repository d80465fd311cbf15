// The in-memory command log: this process is the site's only writer, decisions are immediate and
// last as long as the process. Used by the demo when no redis-server is at hand, by tests and benches.
import type { Command } from '../core/commands.js';
import type { SiteConfig } from '../core/config.js';
import type { Result } from '../core/engine.js';
import { initialState, type State } from '../core/state.js';
import type { Logger } from '../ports/logger.js';
import type { CommandLog, LogRole } from './command-log.js';
import { Decider } from './decider.js';
import type { CommandGate } from './take-over-gate.js';
import { LogListeners } from './log-listeners.js';

export class MemoryLog extends LogListeners implements CommandLog {
  readonly siteId: string;
  readonly state: State;
  role: LogRole = 'leader';
  private readonly decider: Decider;
  private decisions = 0;

  constructor(
    config: SiteConfig,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
    state?: State,
  ) {
    super(log);
    this.siteId = config.id;
    this.state = state ?? initialState(config);
    this.decider = new Decider(log);
  }

  submit(command: Command, at?: number): Promise<Result> {
    if (this.role === 'stopped')
      return Promise.resolve({ ok: false, reason: 'site-stopped', message: 'the site is stopped' });
    const result = this.decider.decide(this.state, command, at ?? this.clock());
    if (result.ok) {
      if (result.events.length > 0) this.events.emit(result.events, this.state);
      this.decided.emit(result, this.state, `m-${++this.decisions}`);
    }
    this.batches.emit();
    return Promise.resolve(result);
  }

  setGate(gate: CommandGate): void {
    this.decider.gate = gate;
  }

  stop(): Promise<void> {
    this.role = 'stopped';
    this.roles.emit('stopped', undefined);
    return Promise.resolve();
  }
}
