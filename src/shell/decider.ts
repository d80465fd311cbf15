// The one place a command becomes a decision: the engine's `execute` at the time telephony observed
// the command (or now), never going back in time, rejections logged. Both command logs use it, so the
// in-memory site and the Redis site decide the same way.
import type { Command } from '../core/commands.js';
import { execute, type Result } from '../core/engine.js';
import type { State } from '../core/state.js';
import type { Logger } from '../ports/logger.js';
import type { CommandGate } from './take-over-gate.js';

export class Decider {
  private lastNow = 0;
  /** Commands refused while the PBX is being taken over (take-over-gate.ts); none without it. */
  gate: CommandGate | null = null;

  constructor(private readonly log: Logger) {}

  /** A new leader starts its own monotonic clock from its recovered state's first command. */
  reset(): void {
    this.lastNow = 0;
  }

  decide(state: State, command: Command, at: number): Result {
    const now = Math.max(this.lastNow, at);
    this.lastNow = now;
    const result = this.gate?.(command) ?? execute(state, command, now);
    if (!result.ok) this.log.info({ command: command?.type, reason: result.reason }, 'command rejected');
    return result;
  }
}
