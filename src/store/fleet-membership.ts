// Which ACD processes are alive, and which one should write each site (docs/store.md, "Several ACD
// processes"). Every process renews its entry in one sorted set (lua/fleetHeartbeat-1.lua, expiry
// by Redis's clock) and reads the live list back in the same round trip; a site's preferred writer
// is the live process with the highest rendezvous weight for it. Safety never depends on this view:
// the writer lease (fenced) still decides who writes; the view only says who should try.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { assertSiteId } from './keys.js';
import type { RedisClient } from './redis-connection.js';
import { storeScripts } from './scripts.js';

/** A process not heard from for this long is dead for the others (below the 3 s lease TTL). */
export const MEMBER_TTL_MS = 2_000;
export const HEARTBEAT_EVERY_MS = 500;

export function fleetMembersKey(fleet: string): string {
  assertSiteId(fleet);
  return `sas:{fleet:${fleet}}:members`;
}

function weight(processId: string, siteId: string): bigint {
  return createHash('sha256').update(`${processId}\n${siteId}`).digest().readBigUInt64BE(0);
}

/**
 * Rendezvous (highest random weight) hashing: the member with the highest hash of (member, site).
 * Every process computes the same owner from the same member list, with no coordination; when a
 * member goes, only its sites move (each to its own next-best member), spread over the others.
 */
export function rendezvousOwner(siteId: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1n;
  for (const member of members) {
    const w = weight(member, siteId);
    if (w > bestWeight || (w === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = w;
    }
  }
  return best;
}

export type MembershipOptions = {
  redis: RedisClient;
  /** Processes sharing the same sites use the same fleet name. */
  fleet?: string;
  processId?: string;
  ttlMs?: number;
  everyMs?: number;
  onChange?: (members: readonly string[]) => void;
  onError?: (error: Error) => void;
};

export class FleetMembership {
  readonly processId: string;
  /** The live processes at the last heartbeat (this one included once joined). */
  members: readonly string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private leaving = false;
  private departed = false;
  private readonly key: string;
  private readonly ttlMs: number;

  constructor(private readonly options: MembershipOptions) {
    this.processId = options.processId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.key = fleetMembersKey(options.fleet ?? 'acd');
    this.ttlMs = options.ttlMs ?? MEMBER_TTL_MS;
  }

  /** Joins (first heartbeat awaited), then renews in the background. */
  async join(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((error: Error) => this.options.onError?.(error));
    }, this.options.everyMs ?? HEARTBEAT_EVERY_MS);
  }

  /** Whether this process should write the site, by the last view of the live members. */
  prefers(siteId: string): boolean {
    return !this.leaving && rendezvousOwner(siteId, this.members) === this.processId;
  }

  /**
   * Leaves the fleet: the entry goes at once, so the others stop counting on this process from their
   * next heartbeat; this process keeps its view (and its sites) until `handOver`, so a site is
   * released only once its next writer is already waiting for it.
   */
  async leave(): Promise<void> {
    this.stop();
    this.departed = true;
    await storeScripts(this.options.redis).sasFleetHeartbeat(this.key, this.processId, this.ttlMs, 'leave');
  }

  /** From now on this process prefers no site: its writers hand their sites over. */
  handOver(): void {
    this.leaving = true;
    this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    if (this.departed) return;
    const members = await storeScripts(this.options.redis).sasFleetHeartbeat(
      this.key,
      this.processId,
      this.ttlMs,
      'join',
    );
    if (!this.departed) this.update(members);
  }

  private update(members: string[]): void {
    const changed = members.length !== this.members.length || members.some((m, i) => m !== this.members[i]);
    this.members = members;
    if (changed) this.options.onChange?.(members);
  }
}
