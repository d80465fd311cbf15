// The command log of a site: where commands go to be decided one at a time by the site's single
// writer, and where the decisions come back once they are durable. Two implementations share one
// contract (tests/integration/shell/command-log.contract.test.ts): in memory (one process, nothing
// survives it) and Redis (a commands stream, a fenced event stream, a lease; any process may submit,
// the leaseholder decides).
import type { Command } from '../core/commands.js';
import type { Accepted, Result } from '../core/engine.js';
import type { State } from '../core/state.js';
import type { EventListener } from '../ports/site-handle.js';
import type { CommandGate } from './take-over-gate.js';

export type { EventListener };

export type LogRole = 'leader' | 'standby' | 'stopped';

/**
 * A decision of this process's writer, once its events are durable (effects are carried out after).
 * `commandId` names the decision's effect-outbox entry (src/shell/effect-outbox.ts).
 */
export type DecisionListener = (decision: Accepted, state: State, commandId: string) => void;

export interface CommandLog {
  readonly siteId: string;
  /** The writer's working state while leading, else the read model. */
  readonly state: State;
  readonly role: LogRole;
  /** Sends a command to the site's writer (wherever it runs); resolves with the engine's result. */
  submit(command: Command, at?: number): Promise<Result>;
  onEvents(listener: EventListener): () => void;
  /** Only the leader's own decisions, in order, after persistence. */
  onDecided(listener: DecisionListener): void;
  /** After every batch of decisions this process persisted (the shell re-arms its timer then). */
  onBatch(listener: () => void): void;
  onRoleChange(listener: (role: LogRole, epoch: number | undefined) => void): void;
  /** Commands this process's writer refuses for now (src/shell/take-over-gate.ts). */
  setGate(gate: CommandGate): void;
  stop(): Promise<void>;
}
