// Where refresh tokens live, by the SHA-256 of the token (a dump yields no usable token): in Redis
// when there is one, so a token is valid on every ACD process and survives a fail-over (before,
// each process kept its own and a fail-over logged everyone out); in memory only for a single
// process without Redis (tests, the in-memory site).
import type { RedisClient as Redis } from '../store/redis-connection.js';

export interface RefreshStore {
  put(hash: string, userId: string, ttlMs: number): Promise<void>;
  /** Removes the entry and returns its user id, atomically (single use); null if absent or expired. */
  take(hash: string): Promise<string | null>;
  drop(hash: string): Promise<void>;
}

export class MemoryRefreshStore implements RefreshStore {
  private readonly entries = new Map<string, { userId: string; expiresAt: number }>();

  constructor(private readonly clock: () => number) {}

  put(hash: string, userId: string, ttlMs: number): Promise<void> {
    const now = this.clock();
    if (this.entries.size >= 10_000)
      for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
    this.entries.set(hash, { userId, expiresAt: now + ttlMs });
    return Promise.resolve();
  }

  take(hash: string): Promise<string | null> {
    const entry = this.entries.get(hash);
    this.entries.delete(hash);
    return Promise.resolve(entry && entry.expiresAt > this.clock() ? entry.userId : null);
  }

  drop(hash: string): Promise<void> {
    this.entries.delete(hash);
    return Promise.resolve();
  }
}

export class RedisRefreshStore implements RefreshStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'sas:refresh:',
  ) {}

  async put(hash: string, userId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + hash, userId, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  /** GETDEL: two processes given the same token cannot both spend it. Redis expires it on time. */
  async take(hash: string): Promise<string | null> {
    return this.redis.getdel(this.prefix + hash);
  }

  async drop(hash: string): Promise<void> {
    await this.redis.del(this.prefix + hash);
  }
}
