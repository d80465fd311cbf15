// The listener side every command log has (events, decisions, batches, role changes): one class
// both logs extend, so they cannot differ in how a listener is added or told.
import type { Logger } from '../ports/logger.js';
import type { DecisionListener, EventListener, LogRole } from './command-log.js';
import { Listeners } from './listeners.js';

export class LogListeners {
  protected readonly events: Listeners<Parameters<EventListener>>;
  protected readonly decided: Listeners<Parameters<DecisionListener>>;
  protected readonly batches: Listeners<[]>;
  protected readonly roles: Listeners<[LogRole, number | undefined]>;

  constructor(log: Logger) {
    this.events = new Listeners(log, 'event listener failed');
    this.decided = new Listeners(log, 'decision listener failed');
    this.batches = new Listeners(log, 'batch listener failed');
    this.roles = new Listeners(log, 'role listener failed');
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

  onRoleChange(listener: (role: LogRole, epoch: number | undefined) => void): void {
    this.roles.add(listener);
  }
}
