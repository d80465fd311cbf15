// The PBX round trip on FreeSWITCH (docs/dependencies.md): one `api status` over the drachtio
// adapter's inbound event socket (the one it commands FreeSWITCH through), and whether
// drachtio-server is connected, apart. Only the process leading the site holds that link: a standby
// has nothing to measure, which is said as such, not as a failure.
import { within } from '../ports/failure.js';

/** What the drachtio adapter offers for it (DrachtioAdapter.links and .eslApi). */
export type FsLink = {
  readonly links: { drachtio: boolean; eventSocket: boolean };
  eslApi(command: string): Promise<string>;
};

/** The event socket closed: FreeSWITCH stopped, or the network between them cut. */
export class EventSocketDownError extends Error {
  readonly code = 'ESL_DOWN';
  constructor() {
    super('FreeSWITCH event socket not connected');
  }
}

/** Bound of one `api status` (a FreeSWITCH that hangs shows as not answering, `timeout`). */
export const FS_ROUND_TRIP_BOUND_MS = 2_000;

export type FsProbe = {
  /** Whether this process leads the site (only the leader holds the PBX link). */
  leads(): boolean;
  /** The leader's adapter; null while its link is being made. */
  link(): FsLink | null;
};

/** A probe over a site's current PBX adapter (SitePbx.current): a drachtio adapter, or none. */
export function fsProbe(leads: () => boolean, current: () => unknown): FsProbe {
  return {
    leads,
    link: () => {
      const a = current() as Partial<FsLink> | null;
      return a && typeof a.eslApi === 'function' && a.links ? (a as FsLink) : null;
    },
  };
}

/**
 * One `api status` round trip in ms. Never sent on a closed event socket: fsmrf queues the reply's
 * callback and would hand the next command's reply to it once reconnected.
 */
export async function fsRoundTrip(link: FsLink, boundMs = FS_ROUND_TRIP_BOUND_MS): Promise<number> {
  if (!link.links.eventSocket) throw new EventSocketDownError();
  const started = performance.now();
  const body = await within(link.eslApi('status'), boundMs, 'FreeSWITCH api status');
  if (!/UP /.test(body)) throw new Error(`FreeSWITCH api status: unexpected answer ${body.slice(0, 80)}`);
  return performance.now() - started;
}
