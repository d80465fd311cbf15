// The calls the dialplan fallback answered while the ACD was away, as Asterisk recorded them
// (asterisk-config/extensions.conf, [sasacd-fallback-answered]: one AstDB key per call, in the family
// `<Stasis app>-fallback`, so each site on one Asterisk has its own: fallbackFamily), turned into
// engine commands (`recordFallbackCall`) once the ACD is back.
//
// Why this way (docs/engine.md, "Calls the dialplan fallback answered"): the record must outlive
// the ACD's absence, so no ARI event can carry it (events reach connected apps only). AstDB is
// Asterisk's on-disk store; ARI evaluates a dialplan function only on a channel, and refuses DB()
// and DB_DELETE() from outside the dialplan ("Dangerous function DB read blocked") but allows
// DB_KEYS(): so the record is the key itself, listed through a short-lived Local channel originated
// into [sasacd-fallback-reader] (never into the Stasis app, so adoption and reconciliation never
// see it), and the counted keys are deleted by that context's dialplan on the next read. A crash
// between counting and deleting only reads a record again: the engine counts a call id once.
import { randomUUID } from 'node:crypto';
import type { Command } from '../../core/commands.js';
import type { Result } from '../../core/engine.js';
import { REJECTIONS } from '../../core/rejections.js';
import type { Logger } from '../../ports/logger.js';
import { withoutSwaggerNotice } from './ari-adapter.js';
import { ARI_REST_TIMEOUT_MS, connectAri } from './rest-timeout.js';
import { stasisOptions } from './stasis-args.js';

/**
 * The AstDB family of a site's fallback records: its Stasis application's name and `-fallback`
 * (the dialplan writes `${SASACD_APP}-fallback`). Each site on one Asterisk has its own application,
 * so its own family: a site's leader never reads, counts or deletes another site's records.
 */
export const fallbackFamily = (app: string): string => `${app}-fallback`;
/** The family of the single-site dialplan's default application, `sasacd`. */
export const FALLBACK_FAMILY = fallbackFamily('sasacd');
export const READER_CONTEXT = 'sasacd-fallback-reader';
/** How often the leader looks for new records while connected (ms; illustrative). */
export const FALLBACK_POLL_MS = 5000;

export type FallbackRecord = {
  key: string;
  callId: string;
  line: string;
  arrivedAt: number;
  answeredAt: number;
  phone: string | null;
  /** The Stasis options of the line (queue=…, origin=…), as the dialplan passed them. */
  args: string[];
};

/** A caller who hung up in the wait for the ACD or in the fallback, before any answer. */
export type FallbackAbandonRecord = Omit<FallbackRecord, 'answeredAt' | 'phone'> & { abandonedAt: number };

/**
 * One key of the family: `<call id>:<line>:<arrived ms>:<answered ms>:<phone>:<options>`, or for an
 * abandon `<call id>:<line>:<arrived ms>:abandoned-<hung up ms>::<options>` ([sasacd-fallback-abandoned];
 * a reader that predates abandons finds no number there and deletes the key, never miscounts it).
 */
export function parseFallbackKey(key: string): FallbackRecord | FallbackAbandonRecord | null {
  const f = key.split(':');
  if (f.length !== 6) return null;
  const [callId, line, arrived, answered, phone, args] = f as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const ms = (s: string) => (/^\d{1,15}$/.test(s) ? Number(s) : Number.NaN);
  const dec = (s: string): string | null => {
    try {
      return decodeURIComponent(s);
    } catch {
      return null;
    }
  };
  const [l, p, a] = [dec(line), dec(phone), dec(args)];
  if (!/^[0-9A-Za-z._-]{1,64}$/.test(callId) || !l || p === null || a === null) return null;
  const abandoned = /^abandoned-(\d{1,15})$/.exec(answered);
  if (abandoned) {
    const abandonedAt = Number(abandoned[1]);
    const arrivedAt = arrived === '' ? abandonedAt : ms(arrived);
    if (!Number.isFinite(arrivedAt) || p !== '') return null;
    return { key, callId, line: l, arrivedAt, abandonedAt, args: a ? a.split(',') : [] };
  }
  // An empty arrival (the call entered the fallback without [sasacd-entry]): timed from its answer.
  const answeredAt = ms(answered);
  const arrivedAt = arrived === '' ? answeredAt : ms(arrived);
  if (!Number.isFinite(answeredAt) || !Number.isFinite(arrivedAt)) return null;
  return { key, callId, line: l, arrivedAt, answeredAt, phone: p || null, args: a ? a.split(',') : [] };
}

export function fallbackCommand(
  r: FallbackRecord | FallbackAbandonRecord,
): Extract<Command, { type: 'recordFallbackCall' | 'recordFallbackAbandon' }> {
  const { originSite } = stasisOptions(r.args);
  if ('abandonedAt' in r)
    return {
      type: 'recordFallbackAbandon',
      callId: r.callId,
      line: r.line,
      arrivedAt: r.arrivedAt,
      abandonedAt: r.abandonedAt,
      ...(originSite ? { originSite } : {}),
    };
  return {
    type: 'recordFallbackCall',
    callId: r.callId,
    line: r.line,
    arrivedAt: r.arrivedAt,
    answeredAt: r.answeredAt,
    phone: r.phone,
    ...(originSite ? { originSite } : {}),
  };
}

/** The part of ari-client's REST API the reader uses (REST only: it registers no Stasis app). */
type ReaderRest = {
  channels: {
    originate(p: {
      endpoint: string;
      context: string;
      extension: string;
      priority: number;
      channelId: string;
      timeout: number;
      variables: Record<string, string>;
    }): Promise<{ id: string }>;
    getChannelVar(p: { channelId: string; variable: string }): Promise<{ value: string }>;
    hangup(p: { channelId: string }): Promise<void>;
  };
};

export type FallbackPoll = { records: number; counted: number; refused: number; malformed: number };

export type FallbackRecordsOptions = {
  url: string;
  user: string;
  password: string;
  /** Bound on each ARI REST request (./rest-timeout.ts), ms. */
  restTimeoutMs?: number;
  /** The site's AstDB family (fallbackFamily of its Stasis application; default FALLBACK_FAMILY). */
  family?: string;
  /** Sends a command to the site's writer. */
  submit: (command: Command) => Promise<Result>;
  /** Whether to read now (the leader, its PBX link up, effects carried out). */
  active: () => boolean;
  everyMs?: number;
  logger: Logger;
  /** Told of every call counted (metrics, logs): answered, or abandoned in the fallback. */
  onCounted?: (r: FallbackRecord | FallbackAbandonRecord) => void;
};

export class FallbackRecords {
  private rest: ReaderRest | null = null;
  /** Keys the engine has taken (counted, or refused for good): deleted by the next reader. */
  private readonly done = new Set<string>();
  private running: Promise<FallbackPoll> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly opts: FallbackRecordsOptions) {}

  /** Reads at once (the ACD is back), then every `everyMs`. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops reading; resolves once a read in flight is over (its reader channel hung up). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll()
        .catch((err: Error) =>
          this.opts.logger.warn({ err: err.message }, 'reading the fallback records failed'),
        )
        .finally(() => this.schedule(this.done.size > 0 ? 200 : (this.opts.everyMs ?? FALLBACK_POLL_MS)));
    }, ms);
  }

  /** One read: delete what was taken, list the records, hand the new ones to the engine. */
  poll(): Promise<FallbackPoll> {
    this.running ??= this.read().finally(() => (this.running = null));
    return this.running;
  }

  private async read(): Promise<FallbackPoll> {
    const report: FallbackPoll = { records: 0, counted: 0, refused: 0, malformed: 0 };
    if (!this.opts.active()) return report;
    const rest = await this.client();
    const deleting = [...this.done];
    const keys = await this.listKeys(rest, deleting);
    for (const k of deleting) if (!keys.includes(k)) this.done.delete(k);
    for (const key of keys) {
      if (this.done.has(key)) continue;
      report.records += 1;
      const r = parseFallbackKey(key);
      if (!r) {
        report.malformed += 1;
        this.opts.logger.warn({ key }, 'fallback record not understood: deleted');
        this.done.add(key);
        continue;
      }
      const result = await this.opts.submit(fallbackCommand(r));
      if (result.ok) {
        report.counted += 1;
        this.done.add(key);
        this.opts.onCounted?.(r);
      } else if (REJECTIONS[result.reason] === 'unavailable') {
        break; // no decision now (store down, lead lost): the record stays for the next read
      } else {
        report.refused += 1;
        this.done.add(key);
        this.opts.logger.warn(
          { callId: r.callId, reason: result.reason, message: result.message },
          'fallback record refused: deleted',
        );
      }
    }
    return report;
  }

  /** DB_KEYS through a reader channel, which first deletes the keys in `deleting`. */
  private async listKeys(rest: ReaderRest, deleting: string[]): Promise<string[]> {
    const channelId = `sasacd-fallback-reader-${randomUUID()}`;
    try {
      // Inside the try: an originate that got no answer (./rest-timeout.ts) may have made the channel.
      await rest.channels.originate({
        endpoint: `Local/s@${READER_CONTEXT}/n`,
        context: READER_CONTEXT,
        extension: 's',
        priority: 1,
        channelId,
        timeout: 15,
        variables: { SASACD_FALLBACK_FAMILY: this.family, SASACD_FALLBACK_COUNTED: deleting.join('|') },
      });
      const { value } = await rest.channels.getChannelVar({
        channelId,
        variable: `DB_KEYS(${this.family})`,
      });
      return value.split(',').filter((k) => k !== '');
    } finally {
      await rest.channels.hangup({ channelId }).catch(() => undefined); // gone already: fine
    }
  }

  private get family(): string {
    return this.opts.family ?? FALLBACK_FAMILY;
  }

  private async client(): Promise<ReaderRest> {
    this.rest ??= (await withoutSwaggerNotice(() =>
      connectAri(
        this.opts.url,
        this.opts.user,
        this.opts.password,
        this.opts.restTimeoutMs ?? ARI_REST_TIMEOUT_MS,
      ),
    )) as ReaderRest;
    return this.rest;
  }
}
