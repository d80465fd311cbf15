// Calls FreeSWITCH's fallback answered while the ACD was away, turned into engine commands
// (`recordFallbackCall`, src/core/rules/fallback.ts) once the ACD is back: the FreeSWITCH
// counterpart of ../ari/fallback-records.ts (docs/freeswitch.md, "When the ACD is down").
//
// With no app connected, drachtio-server answers every new INVITE 503 by itself (drachtio-server
// 0.9.4 src/pending-request-controller.cpp: "No providers available", counted only in its Prometheus
// counter drachtio_sip_responses_out{method="INVITE",code="503"}; trace app-disconnect): the ACD
// never hears of the call. The trunk then fails over (503 → next route) to FreeSWITCH's
// `sas_fallback` profile (freeswitch-config/freeswitch.xml), whose dialplan rings the N1 group and,
// when a phone answers, writes one mod_db record (realm `sasacd-fallback`) whose key is the one the
// Asterisk dialplan writes into AstDB: `<call id>:<line>:<arrived ms>:<answered ms>:<phone>:<options>`
// (each field URL-encoded). mod_db keeps it in FreeSWITCH's core database on disk, so it outlives
// the ACD's absence. This reader lists the realm over the inbound event socket (`api db
// list/<realm>`: keys joined by commas), hands each record to the engine (counted once per call id)
// and deletes the ones the engine took (`api db delete/<realm>/<key>`).
import type { Command } from '../../core/commands.js';
import type { Result } from '../../core/engine.js';
import { REJECTIONS } from '../../core/rejections.js';
import type { Logger } from '../../ports/logger.js';
import {
  FALLBACK_POLL_MS,
  fallbackCommand,
  parseFallbackKey,
  type FallbackAbandonRecord,
  type FallbackPoll,
  type FallbackRecord,
} from '../ari/fallback-records.js';

/** mod_db realm of the records (the AstDB family's name on Asterisk). */
export const FS_FALLBACK_REALM = 'sasacd-fallback';

export type FsFallbackRecordsOptions = {
  /** An `api` command on FreeSWITCH's inbound event socket; its output text. */
  api: (command: string) => Promise<string>;
  submit: (command: Command) => Promise<Result>;
  /** Whether to read now (the leader, its PBX link up, effects carried out). */
  active: () => boolean;
  everyMs?: number;
  logger: Logger;
  onCounted?: (r: FallbackRecord | FallbackAbandonRecord) => void;
};

export class FsFallbackRecords {
  private running: Promise<FallbackPoll> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly opts: FsFallbackRecordsOptions) {}

  /** Reads at once (the ACD is back), then every `everyMs`. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll()
        .catch((err: Error) =>
          this.opts.logger.warn({ err: err.message }, 'reading the fallback records failed'),
        )
        .finally(() => this.schedule(this.opts.everyMs ?? FALLBACK_POLL_MS));
    }, ms);
  }

  /** One read: list the records, hand them to the engine, delete those it took. */
  poll(): Promise<FallbackPoll> {
    this.running ??= this.read().finally(() => (this.running = null));
    return this.running;
  }

  private async read(): Promise<FallbackPoll> {
    const report: FallbackPoll = { records: 0, counted: 0, refused: 0, malformed: 0 };
    if (!this.opts.active()) return report;
    const listed = (await this.opts.api(`db list/${FS_FALLBACK_REALM}`)).trim();
    if (listed.startsWith('-ERR')) throw new Error(`db list: ${listed} (is mod_db loaded?)`);
    const keys = listed === '' || listed === '!err!' ? [] : listed.split(',');
    for (const key of keys) {
      report.records += 1;
      const r = parseFallbackKey(key);
      if (!r) {
        report.malformed += 1;
        this.opts.logger.warn({ key }, 'fallback record not understood: deleted');
        await this.delete(key);
        continue;
      }
      const result = await this.opts.submit(fallbackCommand(r));
      if (!result.ok && REJECTIONS[result.reason] === 'unavailable') break; // kept for the next read
      if (result.ok) {
        report.counted += 1;
        this.opts.onCounted?.(r);
      } else {
        report.refused += 1;
        this.opts.logger.warn(
          { callId: r.callId, reason: result.reason, message: result.message },
          'fallback record refused: deleted',
        );
      }
      // Deleted once taken: a crash before this only reads it again (counted once by call id).
      await this.delete(key);
    }
    return report;
  }

  private async delete(key: string): Promise<void> {
    await this.opts.api(`db delete/${FS_FALLBACK_REALM}/${key}`);
  }
}
