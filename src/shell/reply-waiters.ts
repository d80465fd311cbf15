// Commands waiting for the writer's result: resolved directly when the writer is this process, or
// from the reply channel when it is another; `outcome-unknown` when no answer comes in time (the
// writer changed: the command may or may not have been applied).
import type { Result } from '../core/engine.js';
import { outcomeUnknown } from './command-outcome.js';

type Waiter = { resolve: (result: Result) => void; timer: NodeJS.Timeout };

export class ReplyWaiters {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly timeoutMs: number) {}

  wait(id: string): Promise<Result> {
    return new Promise<Result>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        // The id lets the caller ask later whether it was decided (./command-outcome.ts).
        resolve(
          outcomeUnknown(
            id,
            'no reply from the site writer in time (writer changed?); the command may have been applied',
          ),
        );
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, timer });
    });
  }

  has(id: string): boolean {
    return this.waiting.has(id);
  }

  /** Resolves the waiter of this command, if this process has one; false otherwise. */
  settle(id: string, result: Result): boolean {
    const waiter = this.waiting.get(id);
    if (!waiter) return false;
    this.waiting.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(result);
    return true;
  }

  /** A reply published by another process's writer: `{id, result}` as JSON; anything else ignored. */
  settleFromMessage(text: string): void {
    let message: { id?: unknown; result?: Result };
    try {
      message = JSON.parse(text) as { id?: unknown; result?: Result };
    } catch {
      return;
    }
    if (typeof message.id === 'string' && message.result) this.settle(message.id, message.result);
  }

  settleAll(result: Result): void {
    for (const id of [...this.waiting.keys()])
      this.settle(
        id,
        !result.ok && result.reason === 'outcome-unknown' ? outcomeUnknown(id, result.message) : result,
      );
  }
}
