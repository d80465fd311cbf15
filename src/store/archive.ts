// The long-lived history of a site: the event stream keeps only days (retention, personal data),
// but the monthly and yearly reports and the call detail records need months. The archiver copies
// the stream, one complete hour of stream time at a time, into gzip'd JSON-lines chunks with the
// personal data taken out (the caller's `redact`), and moves a cursor; readers take the archived
// hours, then the part of the stream not archived yet. Copying is idempotent (same cursor, same
// chunk) and guarded by WATCH on the cursor, so several processes may run it. A span trimmed from
// the stream before it could be copied is recorded as a gap, and every reader is told about it.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RedisClient as Redis } from './redis-connection.js';
import { decodeEntry, type IsKnownEvent, type RawEntry } from './entry.js';
import { StreamGapError } from './errors.js';
import { siteKeys } from './keys.js';
import type { StoreEvent } from './reducer.js';
import { assertNoGap } from './recover.js';
import { compareStreamIds, parseStreamId, streamIdMs } from './stream-id.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export const HOUR_MS = 3600_000;
/** How long after the end of an hour (stream time) it is archived: late appends and clock skew. */
export const ARCHIVE_SETTLE_MS = 2 * 60_000;
/** Illustrative default: a year and a month, for yearly reports; set it with the data-protection officer. */
export const ARCHIVE_RETENTION_MS = 400 * 24 * HOUR_MS;

export type ArchiveOptions<E extends StoreEvent> = {
  site: string;
  isKnownEvent: IsKnownEvent<E>;
  /** The event as the archive may keep it (without personal data). */
  redact: (event: E) => E;
  /** The event's own time (epoch ms), for the chunk's time range. */
  timeOf: (event: E) => number;
  now: number;
  settleMs?: number;
  retentionMs?: number;
  /** At most this many hours copied per step (bounds one step's work after a long outage). */
  maxHours?: number;
};

export type ArchiveGap = { fromMs: number; toMs: number };
export type ArchiveStepResult = { hours: number; events: number; gaps: ArchiveGap[]; expired: number };

type ChunkMeta = { hour: number; firstAt: number; lastAt: number; lastId: string; count: number };

const encodeMeta = (m: ChunkMeta) => `${m.hour}:${m.firstAt}:${m.lastAt}:${m.count}:${m.lastId}`;

function decodeMeta(member: string): ChunkMeta {
  const [hour, firstAt, lastAt, count, lastId] = member.split(':');
  const meta = { hour: Number(hour), firstAt: Number(firstAt), lastAt: Number(lastAt), count: Number(count) };
  if (Object.values(meta).some((v) => !Number.isFinite(v)) || !lastId)
    throw new Error(
      `archive index member ${JSON.stringify(member)} is not "hour:firstAt:lastAt:count:lastId"`,
    );
  return { ...meta, lastId };
}

/** The id just before `id`, for an exclusive cursor placed in front of the first remaining entry. */
function previousId(id: string): string {
  const [ms, seq] = parseStreamId(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms > 0n ? `${ms - 1n}-18446744073709551615` : '0-0';
}

async function firstEntryAfter(redis: Redis, stream: string, cursor: string): Promise<string | null> {
  const page = (await redis.xrange(stream, `(${cursor}`, '+', 'COUNT', 1)) as RawEntry[];
  return page[0]?.[0] ?? null;
}

/** Copies every complete hour after the cursor into the archive; drops chunks past the retention. */
export async function archiveStep<E extends StoreEvent>(
  redis: Redis,
  opts: ArchiveOptions<E>,
): Promise<ArchiveStepResult> {
  const keys = siteKeys(opts.site);
  const settle = opts.settleMs ?? ARCHIVE_SETTLE_MS;
  const result: ArchiveStepResult = { hours: 0, events: 0, gaps: [], expired: 0 };
  for (let n = 0; n < (opts.maxHours ?? 48); n++) {
    await redis.watch(keys.archiveCursor);
    const cursor = (await redis.get(keys.archiveCursor)) ?? '0-0';
    const gap = await trimmedSince(redis, keys.events, cursor);
    if (gap) {
      const tx = await redis
        .multi()
        .set(keys.archiveCursor, gap.cursor)
        .rpush(keys.archiveGaps, JSON.stringify(gap.span))
        .exec();
      if (tx === null) break; // another archiver moved the cursor: it does this work
      result.gaps.push(gap.span);
      continue;
    }
    const first = await firstEntryAfter(redis, keys.events, cursor);
    const hour = first === null ? null : Math.floor(streamIdMs(first) / HOUR_MS) * HOUR_MS;
    if (hour === null || hour + HOUR_MS + settle > opts.now) {
      await redis.unwatch();
      break;
    }
    const chunk = await readHour(redis, keys.events, cursor, hour, opts);
    const body = await gzipAsync(chunk.lines.join('\n'));
    const tx = await redis
      .multi()
      .set(keys.archiveChunk(hour), body)
      .zadd(keys.archiveIndex, chunk.meta.lastAt, encodeMeta(chunk.meta))
      .set(keys.archiveCursor, chunk.meta.lastId)
      .exec();
    if (tx === null) break;
    result.hours += 1;
    result.events += chunk.meta.count;
  }
  result.expired = await expire(redis, opts.site, opts.now - (opts.retentionMs ?? ARCHIVE_RETENTION_MS));
  return result;
}

async function trimmedSince(
  redis: Redis,
  stream: string,
  cursor: string,
): Promise<{ cursor: string; span: ArchiveGap } | null> {
  try {
    await assertNoGap(redis, stream, cursor);
    return null;
  } catch (error) {
    if (!(error instanceof StreamGapError)) throw error;
  }
  const first = await firstEntryAfter(redis, stream, cursor);
  const info = (await redis.xinfo('STREAM', stream)) as unknown[];
  const lastGenerated = String(info[info.indexOf('last-generated-id') + 1]);
  const next = first === null ? lastGenerated : previousId(first);
  if (compareStreamIds(next, cursor) <= 0) return null;
  return { cursor: next, span: { fromMs: streamIdMs(cursor), toMs: streamIdMs(next) } };
}

async function readHour<E extends StoreEvent>(
  redis: Redis,
  stream: string,
  cursor: string,
  hour: number,
  opts: ArchiveOptions<E>,
): Promise<{ lines: string[]; meta: ChunkMeta }> {
  const lines: string[] = [];
  const meta: ChunkMeta = { hour, firstAt: Infinity, lastAt: -Infinity, lastId: cursor, count: 0 };
  const end = `${hour + HOUR_MS - 1}-18446744073709551615`;
  for (;;) {
    const page = (await redis.xrange(stream, `(${meta.lastId}`, end, 'COUNT', 1000)) as RawEntry[];
    for (const entry of page) {
      const event = opts.redact(decodeEntry(stream, entry, opts.isKnownEvent));
      const at = opts.timeOf(event);
      meta.firstAt = Math.min(meta.firstAt, at);
      meta.lastAt = Math.max(meta.lastAt, at);
      meta.lastId = entry[0];
      meta.count += 1;
      lines.push(JSON.stringify(event));
    }
    if (page.length < 1000) return { lines, meta };
  }
}

async function expire(redis: Redis, site: string, before: number): Promise<number> {
  const keys = siteKeys(site);
  const old = await redis.zrangebyscore(keys.archiveIndex, '-inf', `(${before}`);
  if (old.length === 0) return 0;
  const tx = redis.multi();
  for (const member of old)
    tx.del(keys.archiveChunk(decodeMeta(member).hour)).zrem(keys.archiveIndex, member);
  await tx.exec();
  return old.length;
}

export type HistoryOptions<E extends StoreEvent> = Omit<
  ArchiveOptions<E>,
  'now' | 'settleMs' | 'maxHours'
> & {
  /** Events whose own time is in [from, to) are passed on, in stream order. */
  from: number;
  to: number;
};

export type HistoryRead = {
  events: number;
  /** Parts of [from, to) missing from the history (stream trimmed before they were archived). */
  gaps: ArchiveGap[];
  /** Archived hours read, and events read from the stream not archived yet. */
  archivedHours: number;
  fromStream: number;
};

/** Passes every event of [from, to) to `onEvent`: archived hours first, then the live stream. */
export async function readHistory<E extends StoreEvent>(
  redis: Redis,
  opts: HistoryOptions<E>,
  onEvent: (event: E) => void,
): Promise<HistoryRead> {
  if (!(opts.from < opts.to)) throw new Error(`history range is empty: from ${opts.from} to ${opts.to}`);
  const keys = siteKeys(opts.site);
  const read: HistoryRead = { events: 0, gaps: [], archivedHours: 0, fromStream: 0 };
  const pass = (event: E) => {
    const at = opts.timeOf(event);
    if (at < opts.from || at >= opts.to) return;
    read.events += 1;
    onEvent(event);
  };
  const [cursorRaw, members, gapsRaw] = await Promise.all([
    redis.get(keys.archiveCursor),
    redis.zrangebyscore(keys.archiveIndex, opts.from, '+inf'),
    redis.lrange(keys.archiveGaps, 0, -1),
  ]);
  const chunks = members
    .map(decodeMeta)
    .filter((m) => m.firstAt < opts.to)
    .sort((a, b) => a.hour - b.hour);
  const fetchChunk = async (meta: ChunkMeta): Promise<string> => {
    const body = await redis.getBuffer(keys.archiveChunk(meta.hour));
    if (body === null)
      throw new Error(`archive chunk ${keys.archiveChunk(meta.hour)} is indexed but missing`);
    return (await gunzipAsync(body)).toString('utf8');
  };
  // The next chunk is fetched and inflated while this one is parsed and reduced.
  let next = chunks[0] ? fetchChunk(chunks[0]) : null;
  for (let c = 0; c < chunks.length; c++) {
    const text = await next!;
    next = c + 1 < chunks.length ? fetchChunk(chunks[c + 1]!) : null;
    next?.catch(() => undefined); // awaited next turn; not an unhandled rejection if this one throws
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        event = undefined;
      }
      if (typeof event === 'object' && event !== null && opts.isKnownEvent(event as StoreEvent)) {
        pass(event as E);
        continue;
      }
      // Not an event we know: decodeEntry names the chunk, the line and what is wrong.
      decodeEntry(
        `${keys.archiveChunk(chunks[c]!.hour)} line`,
        [String(i + 1), ['event', line]],
        opts.isKnownEvent,
      );
    }
    read.archivedHours += 1;
  }
  for (const raw of gapsRaw) {
    const gap = JSON.parse(raw) as ArchiveGap;
    if (gap.fromMs < opts.to && gap.toMs > opts.from) read.gaps.push(gap);
  }
  // The part of the stream after the cursor. Stream time and event time may differ by clock skew:
  // start a settle period early so nothing of [from, to) is missed (the filter drops the rest).
  let cursor = cursorRaw ?? '0-0';
  if (cursorRaw === null) {
    try {
      await assertNoGap(redis, keys.events, cursor);
    } catch (error) {
      if (!(error instanceof StreamGapError)) throw error;
      const first = await firstEntryAfter(redis, keys.events, cursor);
      const toMs = first === null ? opts.to : streamIdMs(first);
      if (toMs > opts.from) read.gaps.push({ fromMs: 0, toMs });
    }
  }
  const before = read.events;
  for (;;) {
    const page = (await redis.xrange(keys.events, `(${cursor}`, '+', 'COUNT', 1000)) as RawEntry[];
    for (const entry of page) {
      pass(opts.redact(decodeEntry(keys.events, entry, opts.isKnownEvent)));
      cursor = entry[0];
    }
    if (page.length < 1000 || streamIdMs(cursor) > opts.to + ARCHIVE_SETTLE_MS) break;
  }
  read.fromStream = read.events - before;
  return read;
}
