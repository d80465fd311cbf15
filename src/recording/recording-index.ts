// The site's index of call recordings in Redis (docs/recording.md "Finding a call's recordings"):
// what the PBX has stored, per call and by time, the calls under legal hold, and the audit log of
// every listen, hold and purge. Recordings are not engine events: the PBX finishes writing a file
// after the call has ended and left the state, and an entry changes (hold) and goes (purge), which
// an append-only event log cannot express. Every key carries the site's hash tag (Redis Cluster).
//
//   sas:{<site>}:recordings:entries      hash    recording name -> entry (JSON)
//   sas:{<site>}:recordings:by-time      zset    recording name, score: stored at (ms)
//   sas:{<site>}:recordings:call:<call>  set     the call's recording names
//   sas:{<site>}:recordings:holds        hash    call id -> legal hold (JSON)
//   sas:{<site>}:recordings:audit        stream  listens, holds, releases, purges (never trimmed here)
import { assertSiteId } from '../store/keys.js';
import type { RedisClient } from '../store/redis-connection.js';

export type RecordingEntry = {
  name: string;
  callId: string;
  callRef: string;
  format: string;
  durationSeconds: number | null;
  /** When the PBX reported it stored (epoch ms). */
  at: number;
};

export type LegalHold = { callId: string; by: string; reason: string; at: number };

export type AuditAction = 'listen' | 'hold' | 'release' | 'purge';
export type AuditEntry = {
  id: string;
  action: AuditAction;
  at: number;
  /** User name, or "retention" for the purge job. */
  user: string;
  callId: string;
  recording: string | null;
  /** Where the request came from (client address), or the reason of a hold. */
  detail: string;
};

export function recordingKeys(site: string) {
  assertSiteId(site);
  const p = `sas:{${site}}:recordings`;
  return {
    entries: `${p}:entries`,
    byTime: `${p}:by-time`,
    call: (callId: string) => `${p}:call:${callId}`,
    holds: `${p}:holds`,
    audit: `${p}:audit`,
  };
}

const parseEntry = (raw: string | null): RecordingEntry | null =>
  raw === null ? null : (JSON.parse(raw) as RecordingEntry);

export class RecordingIndex {
  private readonly keys: ReturnType<typeof recordingKeys>;

  constructor(
    private readonly redis: RedisClient,
    readonly siteId: string,
  ) {
    this.keys = recordingKeys(siteId);
  }

  /** Idempotent: a recording reported twice (a take-over) is one entry. */
  async add(e: RecordingEntry): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.entries, e.name, JSON.stringify(e))
      .zadd(this.keys.byTime, e.at, e.name)
      .sadd(this.keys.call(e.callId), e.name)
      .exec();
  }

  async get(name: string): Promise<RecordingEntry | null> {
    return parseEntry(await this.redis.hget(this.keys.entries, name));
  }

  private async entries(names: string[]): Promise<RecordingEntry[]> {
    if (names.length === 0) return [];
    const raw = await this.redis.hmget(this.keys.entries, ...names);
    return raw.map(parseEntry).filter((e): e is RecordingEntry => e !== null);
  }

  /** The call's recordings, oldest first. */
  async forCall(callId: string): Promise<RecordingEntry[]> {
    const names = await this.redis.smembers(this.keys.call(callId));
    return (await this.entries(names)).sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
  }

  /** The newest recordings first. */
  async latest(limit: number): Promise<RecordingEntry[]> {
    return this.entries(await this.redis.zrevrange(this.keys.byTime, 0, limit - 1));
  }

  /** Recordings stored before `beforeMs`, oldest first (held ones included: the caller skips them). */
  async storedBefore(beforeMs: number, limit: number): Promise<RecordingEntry[]> {
    const names = await this.redis.zrangebyscore(this.keys.byTime, '-inf', `(${beforeMs}`, 'LIMIT', 0, limit);
    return this.entries(names);
  }

  async remove(e: RecordingEntry): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.keys.entries, e.name)
      .zrem(this.keys.byTime, e.name)
      .srem(this.keys.call(e.callId), e.name)
      .exec();
  }

  async hold(h: LegalHold): Promise<void> {
    await this.redis.hset(this.keys.holds, h.callId, JSON.stringify(h));
  }

  /** True when there was a hold to lift. */
  async release(callId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.holds, callId)) > 0;
  }

  async holdOf(callId: string): Promise<LegalHold | null> {
    const raw = await this.redis.hget(this.keys.holds, callId);
    return raw === null ? null : (JSON.parse(raw) as LegalHold);
  }

  async holds(): Promise<LegalHold[]> {
    const all = await this.redis.hvals(this.keys.holds);
    return all.map((raw) => JSON.parse(raw) as LegalHold).sort((a, b) => a.at - b.at);
  }

  /** Written before the action it records is carried out: no audit line, no audio. */
  async audit(a: Omit<AuditEntry, 'id'>): Promise<string> {
    const id = await this.redis.xadd(
      this.keys.audit,
      '*',
      'action',
      a.action,
      'at',
      String(a.at),
      'user',
      a.user,
      'call',
      a.callId,
      'recording',
      a.recording ?? '',
      'detail',
      a.detail,
    );
    return id ?? '';
  }

  /** The newest audit lines first (optionally one call's only). */
  async auditLog(limit: number, callId?: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let end = '+';
    // Scans back in pages when filtering by call, until `limit` lines or the start of the log.
    for (;;) {
      const page = await this.redis.xrevrange(this.keys.audit, end, '-', 'COUNT', 500);
      for (const [id, fields] of page) {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
        if (callId !== undefined && f.call !== callId) continue;
        out.push({
          id,
          action: f.action as AuditAction,
          at: Number(f.at),
          user: f.user ?? '',
          callId: f.call ?? '',
          recording: f.recording ? f.recording : null,
          detail: f.detail ?? '',
        });
        if (out.length >= limit) return out;
      }
      if (page.length < 500) return out;
      end = `(${page[page.length - 1]![0]}`;
    }
  }
}
