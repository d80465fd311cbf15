// Login attempt limits, on rate-limiter-flexible (a maintained library with memory and Redis
// stores, rather than our own counting). With one process the counts live in memory; with several
// (a Redis URL given) they live in Redis, so a guesser cannot multiply his allowance by the number
// of ACD processes behind the load balancer.
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export type LoginLimiterOptions = {
  /** Attempts allowed per key in a window. */
  limit: number;
  windowMs: number;
  /** Shared counts; without it, counts are this process's own. */
  redis?: Redis;
  keyPrefix?: string;
};

export class LoginLimiter {
  private readonly byFactor = new Map<number, RateLimiterAbstract>();

  constructor(private readonly opts: LoginLimiterOptions) {}

  private limiter(factor: number): RateLimiterAbstract {
    let limiter = this.byFactor.get(factor);
    if (!limiter) {
      const common = {
        points: this.opts.limit * factor,
        duration: Math.max(1, Math.ceil(this.opts.windowMs / 1000)),
        keyPrefix: `${this.opts.keyPrefix ?? 'sas:login'}:x${factor}`,
      };
      limiter = this.opts.redis
        ? new RateLimiterRedis({
            ...common,
            storeClient: this.opts.redis,
            // Redis unreachable: count in this process rather than lock the room out of the panel.
            insuranceLimiter: new RateLimiterMemory(common),
          })
        : new RateLimiterMemory(common);
      this.byFactor.set(factor, limiter);
    }
    return limiter;
  }

  /**
   * Records one attempt for `key` (allowed `factor` times the limit); resolves to 0 when allowed,
   * else to the seconds to wait. With Redis down, the process's own counts apply meanwhile.
   */
  async hit(key: string, factor = 1): Promise<number> {
    try {
      await this.limiter(factor).consume(key);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
