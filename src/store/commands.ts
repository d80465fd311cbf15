// The commands stream of a site: any process sends commands (with an id); the writer consumes them
// through the consumer group `writers`, in order, and acknowledges them once their events are in.
//
// Why a command is processed exactly once (the writer in writer.ts does the steps):
// 1. The events of a batch of commands and the ids of those commands (zset `processed`) are written
//    by ONE Lua script (appendEvents-4.lua): either both are in Redis or neither is.
// 2. The writer XACKs afterwards. If it dies between the append and the ack, the entries stay
//    pending in the group. Every writer uses the same consumer name (`writer`), and a new leader
//    first re-reads the pending entries (id 0) before new ones (`>`). Its state comes from recovery,
//    which already holds the events of those commands; it looks their ids up in `processed`, finds
//    them, and only acknowledges them. Had it died before the append, nothing was recorded and the
//    command is handled normally: once.
// 3. A deposed writer that still reads commands cannot append them (fenced), and leaves them pending
//    under the shared consumer name; the leader re-scans the pending entries every lease renewal.
// 4. A producer that sends the same command id twice (its own retry) is recognised too, for as long
//    as `processed` remembers ids (PROCESSED_RETENTION_MS, 24 h): the append script refuses a batch
//    holding an id already recorded (nothing written), and the writer recovers and re-scans the
//    pending entries, looking their ids up first (case 2). The writer looks ids up before handling
//    only for re-delivered entries, to save a round trip on ordinary batches.
// 5. An append whose reply is lost (connection cut) is ambiguous: the writer then rebuilds its state
//    by recovery and re-reads the pending entries, which is case 2.
import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from './redis-connection.js';
import { siteKeys, WRITER_CONSUMER, WRITERS_GROUP } from './keys.js';
import type { StoreEvent } from './reducer.js';

export type StoreCommand = StoreEvent;

/** One entry read from the commands stream; `error` when it cannot be a command. */
export type CommandEntry = {
  streamId: string;
  id: string;
  command?: unknown;
  error?: string;
};

/** Sends a command to the site's writer; `id` defaults to a random UUID. Returns id and stream id. */
export async function sendCommand<C extends StoreCommand>(
  redis: Redis,
  site: string,
  command: C,
  id: string = randomUUID(),
): Promise<{ id: string; streamId: string }> {
  const streamId = await redis.xadd(
    siteKeys(site).commands,
    '*',
    'id',
    id,
    'command',
    JSON.stringify(command),
  );
  return { id, streamId: streamId! };
}

/** Creates the writers' consumer group from the start of the stream (commands sent before count). */
export async function ensureWritersGroup(redis: Redis, site: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', siteKeys(site).commands, WRITERS_GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!/BUSYGROUP/.test((error as Error).message)) throw error;
  }
}

/**
 * Reads up to `count` commands for the writer: its pending entries (delivered, never acknowledged)
 * when `pending`, otherwise new ones, blocking up to `blockMs`. Use a dedicated connection: a
 * blocked read holds it.
 */
export async function readCommands(
  redis: Redis,
  site: string,
  { pending, count, blockMs }: { pending: boolean; count: number; blockMs: number },
): Promise<CommandEntry[]> {
  const key = siteKeys(site).commands;
  const args: (string | number)[] = ['GROUP', WRITERS_GROUP, WRITER_CONSUMER, 'COUNT', count];
  if (!pending) args.push('BLOCK', blockMs);
  args.push('STREAMS', key, pending ? '0' : '>');
  // The typed method, not `redis.call`: ioredis gives it the RESP2 shape whatever the protocol.
  const xreadgroup = redis.xreadgroup.bind(redis) as unknown as (
    ...a: (string | number)[]
  ) => Promise<unknown>;
  const reply = (await xreadgroup(...args)) as [string, [string, string[] | null][]][] | null;
  const entries = reply?.[0]?.[1] ?? [];
  return entries.map(([streamId, fields]) => decodeCommandEntry(streamId, fields));
}

function decodeCommandEntry(streamId: string, fields: string[] | null): CommandEntry {
  if (!fields) return { streamId, id: '', error: 'entry was deleted from the stream' };
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
  const id = values.get('id') ?? '';
  if (!id) return { streamId, id, error: 'no "id" field' };
  const text = values.get('command');
  if (text === undefined) return { streamId, id, error: 'no "command" field' };
  try {
    return { streamId, id, command: JSON.parse(text) as unknown };
  } catch (error) {
    return { streamId, id, error: `"command" is not JSON (${(error as Error).message})` };
  }
}

export async function ackCommands(redis: Redis, site: string, streamIds: readonly string[]): Promise<void> {
  if (streamIds.length > 0) await redis.xack(siteKeys(site).commands, WRITERS_GROUP, ...streamIds);
}

/**
 * Trims acknowledged commands: everything older than the oldest pending entry, or than the last
 * delivered one when nothing is pending. Commands not yet delivered are never trimmed.
 */
export async function trimCommands(redis: Redis, site: string): Promise<number> {
  const key = siteKeys(site).commands;
  const [count, oldestPending] = (await redis.xpending(key, WRITERS_GROUP)) as [number, string | null];
  let minId = count > 0 ? oldestPending : null;
  if (!minId) {
    const groups = (await redis.xinfo('GROUPS', key)) as unknown[][];
    for (const group of groups) {
      const at = group.indexOf('name');
      if (group[at + 1] !== WRITERS_GROUP) continue;
      minId = String(group[group.indexOf('last-delivered-id') + 1]);
    }
  }
  return minId ? await redis.xtrim(key, 'MINID', minId) : 0;
}

/** Default command parser: any JSON object with a string `type`. */
export function parseStoreCommand(raw: unknown): StoreCommand {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
    throw new Error('a command is a JSON object with a string "type"');
  }
  return raw as StoreCommand;
}
