// What a caller does after `outcome-unknown` (no reply from the site's writer in time, or the reply
// lost with a writer that died): the answer names the command's id (`commandId`), and the caller
// asks the store whether that command has been decided. A command sent is in the site's commands
// stream, which every writer reads, so it is decided exactly once, late at the worst: the writer
// records the id in the `processed` zset in the same script as the command's events
// (src/store/commands.ts). `decided`: its events (none for a refusal) are in the stream, each carrying
// the id (field `cmd`); `not-yet`: still to be decided (in the commands stream), ask again;
// `unknown`: never sent to this site, or older than the zset remembers (24 h,
// PROCESSED_RETENTION_MS), so the question is for the minutes that follow (docs/store.md). The
// store answers in one script (lua/commandStatus-2.lua): a command decided and trimmed from the
// stream between two separate looks would otherwise be reported unknown.
import type { Result } from '../core/engine.js';
import type { Rejection } from '../core/context.js';
import { siteKeys } from '../store/keys.js';
import { storeScripts } from '../store/scripts.js';
import type { RedisClient } from '../store/redis-connection.js';

export type OutcomeUnknown = Rejection & { reason: 'outcome-unknown'; commandId: string };
export type CommandOutcome = 'decided' | 'not-yet' | 'unknown';

export function outcomeUnknown(commandId: string, message: string): OutcomeUnknown {
  return { ok: false, reason: 'outcome-unknown', message, commandId };
}

/** The id of the command an `outcome-unknown` answer is about (null for any other result). */
export function commandIdOf(result: Result): string | null {
  if (result.ok || result.reason !== 'outcome-unknown') return null;
  const id = (result as Partial<OutcomeUnknown>).commandId;
  return typeof id === 'string' ? id : null;
}

export async function commandOutcome(
  redis: RedisClient,
  siteId: string,
  commandId: string,
): Promise<CommandOutcome> {
  const keys = siteKeys(siteId);
  const status = await storeScripts(redis).sasCommandStatus(keys.processed, keys.commands, commandId);
  if (status === 'decided' || status === 'not-yet' || status === 'unknown') return status;
  throw new Error(`commandStatus script answered ${String(status)}`);
}
