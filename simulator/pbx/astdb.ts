// Asterisk's database (AstDB) as far as the dialplan fallback uses it (asterisk-config/extensions.conf
// [sasacd-fallback-answered], [sasacd-fallback-reader]): a record per call the fallback group
// answered, read over ARI with DB_KEYS() on a channel. DB() and DB_DELETE() are refused from ARI as
// Asterisk refuses them ("Dangerous function DB read blocked", unless live_dangerously).
import { AriError } from './ari-error.js';

/** The family the dialplan writes a site's fallback records under: its Stasis application's, `<app>-fallback`. */
export const fallbackFamily = (app: string): string => `${app}-fallback`;
/** The family of the default application, `sasacd`. */
export const FALLBACK_FAMILY = fallbackFamily('sasacd');

/** Functions Asterisk 22 flags as dangerous to read from outside the dialplan. */
const DANGEROUS_READS = new Set(['DB', 'DB_DELETE', 'DB_EXISTS', 'SHELL', 'FILE', 'SHARED', 'ODBC']);

export class AstDb {
  private readonly families = new Map<string, Map<string, string>>();
  /** How often each family was listed over ARI (DB_KEYS): which reader looked where. */
  readonly listed = new Map<string, number>();

  put(family: string, key: string, value: string): void {
    let f = this.families.get(family);
    if (!f) this.families.set(family, (f = new Map()));
    f.set(key, value);
  }

  delete(family: string, key: string): boolean {
    return this.families.get(family)?.delete(key) ?? false;
  }

  keys(family: string): string[] {
    return [...(this.families.get(family)?.keys() ?? [])];
  }

  /**
   * A dialplan function read over ARI (GET /channels/{id}/variable?variable=F(...)): DB_KEYS is
   * answered; other functions of the database are refused as Asterisk does; undefined: not ours.
   */
  readFunction(variable: string): string | undefined {
    const fn = /^([A-Z_]+)\((.*)\)$/.exec(variable);
    if (!fn) return undefined;
    if (fn[1] === 'DB_KEYS') {
      this.listed.set(fn[2]!, (this.listed.get(fn[2]!) ?? 0) + 1);
      return this.keys(fn[2]!).join(',');
    }
    if (DANGEROUS_READS.has(fn[1]!)) throw AriError.message(500, 'Unable to read provided function');
    return undefined;
  }
}

/**
 * The key [sasacd-fallback-abandoned] writes for a caller who hung up unanswered in the wait for the
 * ACD or in the fallback: `<channel id>:<line>:<arrived ms>:abandoned-<hung up ms>::<options>`.
 */
export function fallbackAbandonKey(r: {
  channelId: string;
  line: string;
  arrivedMs: number;
  hungUpMs: number;
  args: string;
}): string {
  const enc = encodeURIComponent;
  return [r.channelId, enc(r.line), r.arrivedMs, `abandoned-${r.hungUpMs}`, '', enc(r.args)].join(':');
}

/**
 * The key [sasacd-fallback-answered] writes: caller's channel id, line, arrival and answer (epoch
 * ms), the answering phone's endpoint and the Stasis options, joined by ':' with the text fields
 * URI-encoded (Asterisk's URIENCODE and encodeURIComponent keep the same characters).
 */
export function fallbackRecordKey(r: {
  channelId: string;
  line: string;
  arrivedMs: number;
  answeredMs: number;
  phone: string;
  args: string;
}): string {
  const enc = encodeURIComponent;
  return [r.channelId, enc(r.line), r.arrivedMs, r.answeredMs, enc(r.phone), enc(r.args)].join(':');
}
