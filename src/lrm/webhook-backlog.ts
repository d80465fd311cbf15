// The per-call backlog of LRM webhooks in Redis (./lrm-webhooks.ts drains it): for each target and
// call, a list of the events still to deliver (in the order they were queued), a hash of each
// event's state (waiting, completed, failed — the dedup check: an event queued twice is kept once)
// and its attempts so far, and a lock naming the one drain that delivers the call's events now.
// Every step is one Lua script, so a crash between two steps leaves the backlog whole: the head
// event is removed only once delivered or given up. Keys live under the site's BullMQ prefix, so
// they carry the site's hash tag (one Redis Cluster slot per site, as the queue's own keys).
import { connectRedis, type RedisClient, type RedisTarget } from '../store/redis-connection.js';

/** One queued event, stored as JSON in the call's list (never changed once queued). */
export type BacklogEvent = {
  /** The event id: the Idempotency-Key. */
  key: string;
  type: string;
  callId: string;
  /** The exact bytes that are signed and sent. */
  body: string;
  /** When it was queued (epoch ms). */
  queuedAt: number;
};

/** What a drain does next: stop (another drain holds the call, or nothing is left), or deliver `event`. */
export type Step =
  { kind: 'busy' } | { kind: 'empty' } | { kind: 'deliver'; event: BacklogEvent; attemptsSoFar: number };

// KEYS: list, states, pending counter, calls set, lock.
// ARGV: keep seconds, member, drain id, lock ms, then one record per event, in order.
// Returns 1 some queued and no drain holds the call (the lock is now the new drain's: add its job),
// 3 some queued behind a drain that will deliver them, 2 none new but some still waiting, 0 all
// already delivered or given up.
const PUSH = `
local queued, waiting = 0, 0
for i = 5, #ARGV do
  local key = cjson.decode(ARGV[i]).key
  local state = redis.call('HGET', KEYS[2], key)
  if state == 'waiting' then waiting = waiting + 1
  elseif not state then
    redis.call('HSET', KEYS[2], key, 'waiting')
    redis.call('RPUSH', KEYS[1], ARGV[i])
    queued = queued + 1
  end
end
if queued == 0 then return waiting > 0 and 2 or 0 end
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('INCRBY', KEYS[3], queued)
redis.call('SADD', KEYS[4], ARGV[2])
if redis.call('SET', KEYS[5], ARGV[3], 'NX', 'PX', ARGV[4]) then return 1 end
return 3`;

// KEYS: list, states, lock, pending counter, failed set, calls set.
// ARGV: owner, lock ms, member, finished event id ('' for none), its state, now ms, keep seconds.
// Records the previous step's outcome (only if that event is still the head: a drain that lost its
// lock does not remove what another delivered), then takes the call's next event under the lock.
const STEP = `
if ARGV[4] ~= '' then
  local head = redis.call('LINDEX', KEYS[1], 0)
  if head and cjson.decode(head).key == ARGV[4] then
    redis.call('LPOP', KEYS[1])
    redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
    redis.call('HDEL', KEYS[2], '#' .. ARGV[4])
    redis.call('DECR', KEYS[4])
    if ARGV[5] == 'failed' then
      local now = tonumber(ARGV[6])
      redis.call('ZADD', KEYS[5], now, ARGV[3] .. '|' .. ARGV[4])
      redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[7]) * 1000)
    end
  end
end
local owner = redis.call('GET', KEYS[3])
if owner and owner ~= ARGV[1] then return {0} end
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  if owner then redis.call('DEL', KEYS[3]) end
  redis.call('SREM', KEYS[6], ARGV[3])
  return {1}
end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
return {2, head, redis.call('HGET', KEYS[2], '#' .. cjson.decode(head).key) or '0'}`;

// KEYS: states, lock. ARGV: event id, attempts made, owner, lock ms (the wait for the retry included).
const RETRY_LATER = `
redis.call('HSET', KEYS[1], '#' .. ARGV[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 1`;

type Scripts = {
  sasLrmPush(...args: (string | number)[]): Promise<number>;
  sasLrmStep(...args: (string | number)[]): Promise<[number, string?, string?]>;
  sasLrmRetryLater(...args: (string | number)[]): Promise<number>;
};

export class WebhookBacklog {
  private readonly redis: RedisClient;
  private readonly scripts: Scripts;
  private readonly ns: string;

  /** `prefix`: the site's BullMQ prefix (`sas:{44}:bull`), for the hash tag. */
  constructor(
    target: RedisTarget,
    prefix: string,
    private readonly keepSeconds: number,
  ) {
    this.redis = connectRedis(target, { maxRetriesPerRequest: null });
    this.redis.defineCommand('sasLrmPush', { lua: PUSH, numberOfKeys: 5 });
    this.redis.defineCommand('sasLrmStep', { lua: STEP, numberOfKeys: 6 });
    this.redis.defineCommand('sasLrmRetryLater', { lua: RETRY_LATER, numberOfKeys: 2 });
    this.scripts = this.redis as unknown as Scripts;
    this.ns = `${prefix}:lrm-backlog`;
  }

  private key(target: string, callId: string, part: 'q' | 's' | 'lock'): string {
    return `${this.ns}:${target}:${callId}:${part}`;
  }

  private member(target: string, callId: string): string {
    return JSON.stringify([target, callId]);
  }

  /**
   * Appends a call's events to its backlog, in order, in one step. `drain`: no drain holds the call,
   * so the call is now `drainId`'s (add that job); `queued`: a drain holds the call and will deliver
   * them; `waiting`: all queued before, some not delivered yet; `done`: all delivered or given up.
   */
  async push(
    target: string,
    callId: string,
    events: BacklogEvent[],
    drainId: string,
    lockMs: number,
  ): Promise<'drain' | 'queued' | 'waiting' | 'done'> {
    const r = await this.scripts.sasLrmPush(
      this.key(target, callId, 'q'),
      this.key(target, callId, 's'),
      `${this.ns}:pending`,
      `${this.ns}:calls`,
      this.key(target, callId, 'lock'),
      this.keepSeconds,
      this.member(target, callId),
      drainId,
      lockMs,
      ...events.map((e) => JSON.stringify(e)),
    );
    return r === 1 ? 'drain' : r === 3 ? 'queued' : r === 2 ? 'waiting' : 'done';
  }

  /** Records the previous event's outcome (if any) and takes the next one for `owner`. */
  async step(
    target: string,
    callId: string,
    owner: string,
    lockMs: number,
    finished: { key: string; state: 'completed' | 'failed' } | null,
    now: number,
  ): Promise<Step> {
    const [kind, head, attempts] = await this.scripts.sasLrmStep(
      this.key(target, callId, 'q'),
      this.key(target, callId, 's'),
      this.key(target, callId, 'lock'),
      `${this.ns}:pending`,
      `${this.ns}:failed`,
      `${this.ns}:calls`,
      owner,
      lockMs,
      this.member(target, callId),
      finished?.key ?? '',
      finished?.state ?? '',
      now,
      this.keepSeconds,
    );
    if (kind === 0) return { kind: 'busy' };
    if (kind === 1) return { kind: 'empty' };
    return { kind: 'deliver', event: JSON.parse(head!) as BacklogEvent, attemptsSoFar: Number(attempts) };
  }

  /** A failed attempt to retry later: counted, and the call kept by `owner` until then. */
  async retryLater(
    target: string,
    callId: string,
    key: string,
    attempts: number,
    owner: string,
    lockMs: number,
  ) {
    await this.scripts.sasLrmRetryLater(
      this.key(target, callId, 's'),
      this.key(target, callId, 'lock'),
      key,
      attempts,
      owner,
      lockMs,
    );
  }

  /**
   * Calls with events left and no drain holding them: a drain that failed for good, or a process
   * that died between queuing an event and adding its drain. To restart.
   */
  async stranded(): Promise<{ target: string; callId: string }[]> {
    const members = (await this.redis.smembers(`${this.ns}:calls`)).map(
      (m) => JSON.parse(m) as [string, string],
    );
    const held = await Promise.all(
      members.map(([target, callId]) => this.redis.exists(this.key(target, callId, 'lock'))),
    );
    return members.filter((_, i) => !held[i]).map(([target, callId]) => ({ target, callId }));
  }

  /** Events queued and not yet delivered or given up; events given up in the kept period. */
  async counts(now: number): Promise<{ pending: number; failed: number }> {
    const [pending, failed] = await Promise.all([
      this.redis.get(`${this.ns}:pending`),
      this.redis.zcount(`${this.ns}:failed`, now - this.keepSeconds * 1000, '+inf'),
    ]);
    return { pending: Number(pending ?? 0), failed: failed };
  }

  /** waiting, completed, failed, or unknown (never queued, or forgotten after the kept period). */
  async state(target: string, callId: string, key: string): Promise<string> {
    return (await this.redis.hget(this.key(target, callId, 's'), key)) ?? 'unknown';
  }

  /** The backlog client's connection: each error (ioredis reconnects by itself), and each reconnection. */
  watchConnection(onError: (err: Error) => void, onReady: () => void): void {
    this.redis.on('error', onError);
    this.redis.on('ready', onReady);
  }

  close(): void {
    this.redis.disconnect();
  }
}
