// The leader counts the calls the dialplan fallback answered while the ACD was away
// (src/telephony/ari/fallback-records.ts): at once when it has taken the PBX over, then every few
// seconds while connected (a call answered by the fallback group after the ACD came back is read at
// the next pass). On FreeSWITCH: startFsFallbackCounting (mod_db records, docs/freeswitch.md).
import type { Logger } from '../ports/logger.js';
import type { SiteShell } from '../shell/site-shell.js';
import type { Command } from '../core/commands.js';
import {
  FALLBACK_POLL_MS,
  FallbackRecords,
  fallbackFamily,
  type FallbackAbandonRecord,
  type FallbackRecord,
} from '../telephony/ari/fallback-records.js';
import { FsFallbackRecords } from '../telephony/drachtio/fallback-records.js';

/** FALLBACK_POLL_MS: 0 (off) or at least 200 ms; the default is illustrative. */
export function parseFallbackPollMs(env: Record<string, string | undefined>, errors: string[]): number {
  const ms = Number(env.FALLBACK_POLL_MS ?? FALLBACK_POLL_MS);
  if (!Number.isInteger(ms) || ms < 0 || (ms > 0 && ms < 200))
    errors.push('FALLBACK_POLL_MS: 0 (off) or an integer of at least 200 (ms)');
  return ms;
}

type CountingOptions = {
  site: SiteShell;
  connected: () => boolean;
  everyMs: number;
  logger: Logger;
  /** Counted calls, for the metrics (kept for the life of the process). */
  counted?: { add(): void };
};

/** What both readers share: read while leading with the PBX link up, log and count each record. */
function readerOptions(opts: CountingOptions, fallback: 'dialplan' | 'FreeSWITCH') {
  return {
    submit: (command: Command) => opts.site.dispatch(command),
    active: () => opts.connected() && opts.site.carryingOutEffects && opts.site.role === 'leader',
    everyMs: opts.everyMs,
    logger: opts.logger,
    onCounted: (r: FallbackRecord | FallbackAbandonRecord) => {
      opts.counted?.add();
      if ('abandonedAt' in r)
        opts.logger.info(
          { callId: r.callId, line: r.line, waitedMs: r.abandonedAt - r.arrivedAt },
          `call abandoned in the ${fallback} fallback counted`,
        );
      else
        opts.logger.info(
          { callId: r.callId, line: r.line, phone: r.phone, waitedMs: r.answeredAt - r.arrivedAt },
          `call answered by the ${fallback} fallback counted`,
        );
    },
  };
}

export function startFallbackCounting(
  opts: CountingOptions & {
    ari: { url: string; user: string; password: string; app: string; restTimeoutMs?: number };
  },
): FallbackRecords {
  const { app, ...ari } = opts.ari;
  const records = new FallbackRecords({
    ...ari,
    // The site's own AstDB family (several sites on one Asterisk never share one).
    family: fallbackFamily(app),
    ...readerOptions(opts, 'dialplan'),
  });
  records.start();
  return records;
}

/**
 * The same on FreeSWITCH (src/telephony/drachtio/fallback-records.ts): the records the fallback
 * dialplan writes with mod_db, read over the drachtio adapter's inbound event socket.
 */
export function startFsFallbackCounting(
  opts: CountingOptions & {
    /** The adapter's event-socket `api` (DrachtioAdapter.eslApi). */
    api: (command: string) => Promise<string>;
  },
): FsFallbackRecords {
  const records = new FsFallbackRecords({
    api: opts.api,
    ...readerOptions(opts, 'FreeSWITCH'),
  });
  records.start();
  return records;
}
