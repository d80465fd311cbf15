// The store's Lua scripts (src/store/lua, one file per atomic operation, named `<name>-<numkeys>`),
// installed once per connection with ioredis `defineCommand` (EVALSHA, falling back to EVAL after a
// Redis restart empties the script cache), and exposed through thin typed methods.
import { readFileSync } from 'node:fs';
import type { RedisClient as Redis } from './redis-connection.js';

const FILES = {
  sasAcquireLease: 'acquireLease-2',
  sasRenewLease: 'renewLease-1',
  sasReleaseLease: 'releaseLease-1',
  sasAppendEvents: 'appendEvents-4',
  sasSaveSnapshot: 'saveSnapshot-3',
  sasFleetHeartbeat: 'fleetHeartbeat-1',
  sasCommandStatus: 'commandStatus-2',
} as const;

type Arg = string | number;

export type StoreScripts = {
  sasAcquireLease(
    lease: string,
    epoch: string,
    token: string,
    ttlMs: number,
    holder: string,
  ): Promise<[number, number]>;
  sasRenewLease(lease: string, token: string, ttlMs: number): Promise<number>;
  sasReleaseLease(lease: string, token: string): Promise<number>;
  sasAppendEvents(
    lease: string,
    events: string,
    processed: string,
    effects: string,
    ...args: Arg[]
  ): Promise<string[]>;
  sasSaveSnapshot(
    lease: string,
    snapshot: string,
    events: string,
    token: string,
    lastId: string,
    state: string,
    minId: string,
  ): Promise<number>;
  sasFleetHeartbeat(
    members: string,
    processId: string,
    ttlMs: number,
    op: 'join' | 'leave',
  ): Promise<string[]>;
  sasCommandStatus(processed: string, commands: string, id: string): Promise<string>;
};

// Read once per process; the file name carries the number of keys, as in BullMQ.
const sources = Object.entries(FILES).map(([command, file]) => ({
  command,
  lua: readFileSync(new URL(`./lua/${file}.lua`, import.meta.url), 'utf8'),
  numberOfKeys: Number(file.split('-')[1]),
}));

const installed = new WeakSet<Redis>();

export function storeScripts(redis: Redis): StoreScripts {
  if (!installed.has(redis)) {
    for (const { command, lua, numberOfKeys } of sources) redis.defineCommand(command, { lua, numberOfKeys });
    installed.add(redis);
  }
  return redis as unknown as StoreScripts;
}

/** The first word of a Redis error reply raised by our scripts (`LEASELOST`, `DUPLICATE`…). */
export function scriptErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return /^([A-Z]+)\b/.exec(error.message)?.[1];
}
