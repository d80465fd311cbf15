// Whether the single-site `serve` process leaving has a standby to hand its PBX link to. Every
// `serve` process of a site announces itself in a membership of that site (the fleet membership of
// src/store/fleet-membership.ts, its own key `sas:{fleet:serve-<site>}:members`, a heartbeat every
// 500 ms): a leader leaving while another process is there keeps the site's Stasis application
// until that process's client takes it (src/app/site-pbx.ts, `leaving`), as several-site serve does;
// alone, it closes at once (no 10 s wait for nobody).
import type { Logger } from '../ports/logger.js';
import { FleetMembership } from '../store/fleet-membership.js';
import type { RedisClient } from '../store/redis-connection.js';

/** The membership's name for a site (the site's id alone when the prefix would not fit). */
export const servePeersFleet = (siteId: string): string => (siteId.length <= 58 ? `serve-${siteId}` : siteId);

export type ServePeers = {
  /** Another process of the site was alive at the last heartbeat. */
  othersAlive(): boolean;
  leave(): Promise<void>;
};

export async function joinServePeers(
  redis: RedisClient,
  siteId: string,
  logger: Logger,
): Promise<ServePeers> {
  const membership = new FleetMembership({
    redis,
    fleet: servePeersFleet(siteId),
    onError: (err) => logger.debug({ err: err.message }, 'serve peers heartbeat failed'),
  });
  // A first heartbeat that fails is tried again: meanwhile this process counts as alone.
  let retry: NodeJS.Timeout | null = null;
  const join = (): Promise<void> =>
    membership.join().catch((err: Error) => {
      logger.warn({ err: err.message }, 'serve peers: heartbeat failed; trying again');
      retry = setTimeout(() => void join(), 1000);
      retry.unref();
    });
  await join();
  return {
    othersAlive: () => membership.members.some((m) => m !== membership.processId),
    leave: async () => {
      if (retry) clearTimeout(retry);
      await membership.leave().catch(() => undefined);
    },
  };
}
