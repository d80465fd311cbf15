// The FreeSWITCH hand-over's two steps between the process leaving a site and the next leader,
// through Redis (one hash in the site's slot, `sas:{<site>}:pbx-handover`). drachtio-server hands a
// new INVITE round robin to every app connected for INVITEs and has no "replaced" signal as ARI's
// Stasis application has, so the two processes take turns (docs/freeswitch.md, "A graceful
// hand-over"):
//   1. the leaving process writes `leaving` before it releases the lease, then parks new callers;
//   2. the next leader connects (parking too), writes `routed` and waits;
//   3. the leaving process sees `routed`, stops taking calls (remove_route, answered), finishes the
//      calls it was parking, closes its link and writes `left`;
//   4. the next leader sees `left` and takes the calls over: its own parked ones and the leaving
//      process's, found on FreeSWITCH.
// Each wait is bounded: a process gone meanwhile delays the other by that bound at the most.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../store/redis-connection.js';

const POLL_MS = 100;
/** How long the hash outlives a hand-over nobody finished (a process killed half-way). */
const TTL_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PbxHandOver {
  readonly processId = randomUUID();
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    siteId: string,
  ) {
    this.key = `sas:{${siteId}}:pbx-handover`;
  }

  /** Step 1 (leaving, before the lease is released): a fresh hand-over in this process's name. */
  async leaving(): Promise<void> {
    await this.redis
      .multi()
      .del(this.key)
      .hset(this.key, 'leaving', this.processId)
      .pexpire(this.key, TTL_MS)
      .exec();
  }

  /** Step 3's wait (leaving): true once the next leader is routed, false after maxMs. */
  async routed(maxMs: number): Promise<boolean> {
    return this.until(
      async () => !!(await this.mine()) && !!(await this.redis.hget(this.key, 'routed')),
      maxMs,
    );
  }

  /** Step 3's end (leaving): this process's link is closed. */
  async left(): Promise<void> {
    if (await this.mine()) await this.redis.hset(this.key, 'left', '1');
  }

  /**
   * Steps 2 and 4 (the next leader, connected and parking): with a process leaving, tells it and
   * waits until it has left (maxMs at the most). Resolves whether a hand-over was going on.
   */
  async takeFrom(maxMs: number): Promise<boolean> {
    const [leaving, left] = await this.redis.hmget(this.key, 'leaving', 'left');
    if (!leaving || leaving === this.processId || left) return false;
    await this.redis.hset(this.key, 'routed', this.processId);
    await this.until(async () => !!(await this.redis.hget(this.key, 'left')), maxMs);
    return true;
  }

  private async mine(): Promise<boolean> {
    return (await this.redis.hget(this.key, 'leaving')) === this.processId;
  }

  private async until(check: () => Promise<boolean>, maxMs: number): Promise<boolean> {
    for (const end = Date.now() + maxMs; ;) {
      if (await check().catch(() => false)) return true;
      if (Date.now() >= end) return false;
      await sleep(POLL_MS);
    }
  }
}
