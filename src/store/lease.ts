// The writer lease of a site: one Redis hash with a random token and a TTL, renewed by its holder.
// Every acquisition bumps a fencing epoch that never goes down; the fenced append checks the token
// (and stamps the epoch on each event), so a deposed writer cannot write whatever its clock believes.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient as Redis } from './redis-connection.js';
import { LeaseLostError } from './errors.js';
import { siteKeys } from './keys.js';
import { storeScripts } from './scripts.js';

/**
 * Timings chosen for a takeover within 5 s of the writer's death: the lease lives 3 s and is renewed
 * every 1 s (two renewals may fail, e.g. during a Redis hiccup, before it expires); a standby polls
 * every 500 ms. Worst case after a death: 3 s (TTL just renewed) + 0.5 s (poll) + recovery.
 */
export const LEASE_TTL_MS = 3_000;
export const LEASE_RENEW_EVERY_MS = 1_000;
export const STANDBY_POLL_MS = 500;

export type LeaseOptions = { ttlMs?: number; holder?: string };

export type AcquireResult = { acquired: true; epoch: number } | { acquired: false; heldForMs: number };

export class Lease {
  readonly token = randomUUID();
  readonly ttlMs: number;
  readonly holder: string;
  /** Fencing epoch of the current tenure (undefined until acquired). */
  epoch: number | undefined;
  /** Local (monotonic clock) time after which the lease may have expired; 0 when not held. */
  private validUntil = 0;
  /**
   * Seen past its deadline once: lost for good, even if a renewal sent earlier is answered later.
   * Whoever saw it (the writer, or the PBX link about to act on an event) stopped acting as leader,
   * so the writer must stop too (the next tenure takes a new lease).
   */
  private lapsed = false;
  /** For the log of a lost lease (`renewalTimings`): gaps between renewals, and their round trips. */
  private lastSentAt = 0;
  private inFlightSince = 0;
  private longestGapMs = 0;
  private longestRoundTripMs = 0;
  private readonly keys;

  constructor(
    private readonly redis: Redis,
    readonly site: string,
    options: LeaseOptions = {},
  ) {
    this.keys = siteKeys(site);
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.holder = options.holder ?? `${hostname()}:${process.pid}`;
  }

  async tryAcquire(): Promise<AcquireResult> {
    const sentAt = performance.now();
    const [ok, value] = await storeScripts(this.redis).sasAcquireLease(
      this.keys.lease,
      this.keys.epoch,
      this.token,
      this.ttlMs,
      this.holder,
    );
    if (ok !== 1) return { acquired: false, heldForMs: value };
    this.lastSentAt = sentAt;
    this.epoch = value;
    this.validUntil = sentAt + this.ttlMs;
    return { acquired: true, epoch: value };
  }

  /** Extends the TTL; throws LeaseLostError when the token is no longer current. */
  async renew(): Promise<void> {
    const sentAt = performance.now();
    if (this.lastSentAt > 0) this.longestGapMs = Math.max(this.longestGapMs, sentAt - this.lastSentAt);
    this.lastSentAt = sentAt;
    this.inFlightSince = sentAt;
    const renewed = await storeScripts(this.redis)
      .sasRenewLease(this.keys.lease, this.token, this.ttlMs)
      .finally(() => {
        this.longestRoundTripMs = Math.max(this.longestRoundTripMs, performance.now() - sentAt);
        if (this.inFlightSince === sentAt) this.inFlightSince = 0;
      });
    if (renewed !== 1) {
      this.validUntil = 0;
      throw new LeaseLostError(this.site, `renewal refused for epoch ${this.epoch} (expired or taken over)`);
    }
    if (!this.lapsed) this.validUntil = sentAt + this.ttlMs; // a lapse seen stays a lapse
  }

  /** Gives the lease up so a standby takes over at once; false when it was not ours any more. */
  async release(): Promise<boolean> {
    this.validUntil = 0;
    return (await storeScripts(this.redis).sasReleaseLease(this.keys.lease, this.token)) === 1;
  }

  /**
   * Whether the lease is surely still ours by the local clock (measured from when the last
   * acquire/renew was sent). Fencing does not depend on it; it stops a lapsed leader early, and
   * once false after a tenure began it stays false (`lapsed`).
   */
  /**
   * Why a lease was lost, for its log line: the longest gap between two renewals sent (or since the
   * last one) points at this process (event loop stalled, process paused) when far above the renewal
   * period; the longest round trip (one still unanswered counts) points at Redis or the network.
   */
  renewalTimings(): { longestRenewalGapMs: number; longestRenewalRoundTripMs: number } {
    const now = performance.now();
    const sinceLast = this.lastSentAt > 0 ? now - this.lastSentAt : 0;
    const pending = this.inFlightSince > 0 ? now - this.inFlightSince : 0;
    return {
      longestRenewalGapMs: Math.round(Math.max(this.longestGapMs, sinceLast)),
      longestRenewalRoundTripMs: Math.round(Math.max(this.longestRoundTripMs, pending)),
    };
  }

  heldLocally(): boolean {
    if (this.lapsed) return false;
    if (this.validUntil > 0 && performance.now() >= this.validUntil) this.lapsed = true;
    return !this.lapsed && this.validUntil > 0;
  }
}
