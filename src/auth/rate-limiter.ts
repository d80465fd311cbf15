// Login throttling, on rate-limiter-flexible (a maintained library with memory and Redis stores,
// rather than our own counting). It slows password guessing without ever locking a user out of
// a correct password from his own desk:
// - failures are counted per user name AND address: a guesser elsewhere cannot lock the ARM out
//   (keyed on the user name alone, ten wrong guesses from anywhere locked the real user out during
//   a crisis); after `freeFailures` failures, each further one imposes a delay that doubles (1 s,
//   2 s, 4 s… up to `maxDelaySeconds`); a success clears the pair's count;
// - failures are also counted per address, all user names together (spraying one password over
//   many users), with a large allowance (a room behind one NAT shares an address: set
//   TRUST_PROXY behind a reverse proxy so the address is the client's, docs/api.md).
// With a Redis URL the counts live in Redis, so every ACD process sees the same counts; while Redis
// is unreachable each process counts on its own rather than lock the room out of the panel.
import type { RedisClient as Redis } from '../store/redis-connection.js';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export type LoginLimiterOptions = {
  /** Failures allowed per user name and address before delays start. */
  freeFailures: number;
  /** How long failures are remembered (fixed window from the first one). */
  windowMs: number;
  /** The longest delay a failure imposes (the delays double up to it). */
  maxDelaySeconds?: number;
  /** Failures allowed per address, all user names together, in `windowMs`. */
  addressFailures?: number;
  /** Shared counts; without it, counts are this process's own. */
  redis?: Redis;
  keyPrefix?: string;
};

export class LoginLimiter {
  private readonly pairFailures: RateLimiterAbstract;
  private readonly pairDelay: RateLimiterAbstract;
  private readonly addressFailures: RateLimiterAbstract;
  private readonly maxDelay: number;

  constructor(private readonly opts: LoginLimiterOptions) {
    const prefix = opts.keyPrefix ?? 'sas:login';
    const duration = Math.max(1, Math.ceil(opts.windowMs / 1000));
    this.maxDelay = opts.maxDelaySeconds ?? 300;
    this.pairFailures = this.make({ points: 1_000_000, duration, keyPrefix: `${prefix}:fail` });
    this.pairDelay = this.make({ points: 1, duration: this.maxDelay, keyPrefix: `${prefix}:delay` });
    this.addressFailures = this.make({
      points: opts.addressFailures ?? 200,
      duration,
      keyPrefix: `${prefix}:addr`,
    });
  }

  private make(common: IRateLimiterOptions): RateLimiterAbstract {
    return this.opts.redis
      ? new RateLimiterRedis({
          ...common,
          storeClient: this.opts.redis,
          insuranceLimiter: new RateLimiterMemory(common),
        })
      : new RateLimiterMemory(common);
  }

  /** Seconds to wait before `user` may try from `address` again (0: now). Counts nothing. */
  async wait(user: string, address: string): Promise<number> {
    const [delay, addr] = await Promise.all([
      this.pairDelay.get(pairKey(user, address)),
      this.addressFailures.get(address),
    ]);
    const blocked = (res: RateLimiterRes | null, points: number) =>
      res && res.consumedPoints > points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
    return Math.max(blocked(delay, 1), blocked(addr, this.opts.addressFailures ?? 200));
  }

  /** Records a failure; resolves to the delay it imposes on the pair (0 while failures are free). */
  async failed(user: string, address: string): Promise<number> {
    const key = pairKey(user, address);
    const [res] = await Promise.all([
      this.pairFailures.consume(key),
      this.addressFailures.consume(address).catch(swallowLimit),
    ]);
    const beyond = res.consumedPoints - this.opts.freeFailures;
    if (beyond <= 0) return 0;
    const delay = Math.min(this.maxDelay, 2 ** Math.min(beyond - 1, 30));
    await this.pairDelay.block(key, delay);
    return delay;
  }

  /** A correct password: the pair starts afresh. */
  async succeeded(user: string, address: string): Promise<void> {
    const key = pairKey(user, address);
    await Promise.all([this.pairFailures.delete(key), this.pairDelay.delete(key)]);
  }
}

const pairKey = (user: string, address: string) => `${user.toLowerCase()}|${address}`;

/** Past the address allowance, consume() rejects: the count is what we wanted. */
function swallowLimit(rejection: unknown): void {
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
}
