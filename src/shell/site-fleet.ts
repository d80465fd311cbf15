// Many sites over several ACD processes (docs/store.md, "Several ACD processes"). Every process of a
// fleet runs a SiteShell for every site (so any process serves the API and the live feeds of any
// site), and writes only the sites the rendezvous hashing of the live members gives it
// (src/store/fleet-membership.ts): each site's writer lease is held by one process, the sites are
// spread over the processes, and a dead process's sites are taken by the others once its entry and
// its leases have expired (< 5 s). A process leaving gracefully hands its sites over.
import type { SiteConfig } from '../core/config.js';
import type { Logger } from '../ports/logger.js';
import { FleetMembership, HEARTBEAT_EVERY_MS } from '../store/fleet-membership.js';
import { connectRedis, type RedisClient, type RedisTarget } from '../store/redis-connection.js';
import type { EventListener, LogRole } from './command-log.js';
import type { EffectExecutor } from './effect-runner.js';
import { SiteShell, type StoreOptions } from './site-shell.js';

export type SiteFleetOptions = {
  configs: readonly SiteConfig[];
  redis: RedisTarget;
  logger: Logger;
  /** Processes sharing the same sites use the same fleet name (default `acd`). */
  fleet?: string;
  processId?: string;
  /** Store options of every site (lease timings, snapshots, WAIT replicas, archive…). */
  store?: Omit<StoreOptions, 'redisUrl' | 'mayLead'>;
  /** The telephony port of a site (carried out by its leader only). */
  effectsFor?: (siteId: string) => EffectExecutor | undefined;
  /** Effects kept in each site's outbox until its PBX is taken over (serve; SiteShellOptions.outbox). */
  outbox?: boolean;
  /** A listener per site registered before its log opens (it also gets the replayed events). */
  onEventsFor?: (siteId: string) => EventListener | undefined;
  onRoleChange?: (siteId: string, role: LogRole, epoch: number | undefined) => void;
  heartbeatEveryMs?: number;
  memberTtlMs?: number;
};

export class SiteFleet {
  readonly sites = new Map<string, SiteShell>();

  private constructor(
    private readonly membership: FleetMembership,
    private readonly redis: RedisClient,
    private readonly opts: SiteFleetOptions,
  ) {}

  get processId(): string {
    return this.membership.processId;
  }

  /** The live processes of the fleet, as this one last saw them. */
  get members(): readonly string[] {
    return this.membership.members;
  }

  static async start(opts: SiteFleetOptions): Promise<SiteFleet> {
    const redis = connectRedis(opts.redis, { maxRetriesPerRequest: 2 });
    redis.on('error', (err: Error) => opts.logger.warn({ err: err.message }, 'fleet: redis error'));
    const membership = new FleetMembership({
      redis,
      ...(opts.fleet ? { fleet: opts.fleet } : {}),
      ...(opts.processId ? { processId: opts.processId } : {}),
      ...(opts.heartbeatEveryMs ? { everyMs: opts.heartbeatEveryMs } : {}),
      ...(opts.memberTtlMs ? { ttlMs: opts.memberTtlMs } : {}),
      onChange: (members) => opts.logger.info({ members }, 'fleet members'),
      onError: (err) => opts.logger.warn({ err: err.message }, 'fleet heartbeat failed'),
    });
    await membership.join();
    const fleet = new SiteFleet(membership, redis, opts);
    // Started together, kept in the configuration's order (the first site is the pages' default).
    const shells = await Promise.all(
      opts.configs.map(async (config) => {
        const effects = opts.effectsFor?.(config.id);
        const onEvents = opts.onEventsFor?.(config.id);
        const shell = await SiteShell.start({
          config,
          logger: opts.logger,
          ...(effects ? { effects } : {}),
          ...(opts.outbox ? { outbox: true } : {}),
          ...(onEvents ? { onEvents } : {}),
          store: {
            ...opts.store,
            redisUrl: opts.redis,
            holder: membership.processId,
            mayLead: () => membership.prefers(config.id),
          },
          onRoleChange: (role, epoch) => opts.onRoleChange?.(config.id, role, epoch),
        });
        return [config.id, shell] as const;
      }),
    );
    for (const [id, shell] of shells) fleet.sites.set(id, shell);
    return fleet;
  }

  /** The sites this process writes now. */
  leading(): string[] {
    return [...this.sites].filter(([, shell]) => shell.role === 'leader').map(([id]) => id);
  }

  /**
   * Graceful leave: out of the membership first, then, once the others have seen it (one heartbeat)
   * and their writers are polling for the sites, the leases are released (after a last snapshot).
   * Commands sent meanwhile wait in the sites' streams; none is lost.
   */
  async leave(): Promise<void> {
    await this.membership
      .leave()
      .catch((err: Error) =>
        this.opts.logger.warn({ err: err.message }, 'fleet: leave not recorded; the entry will expire'),
      );
    await new Promise((resolve) =>
      setTimeout(resolve, (this.opts.heartbeatEveryMs ?? HEARTBEAT_EVERY_MS) + 100),
    );
    this.membership.handOver();
    await this.stop();
  }

  async stop(): Promise<void> {
    this.membership.stop();
    await Promise.all([...this.sites.values()].map((shell) => shell.stop()));
    this.redis.disconnect();
  }
}
