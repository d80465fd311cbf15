// The long-lived archive against a real redis-server: entries are written with explicit stream ids
// (stream time) so that hours are chosen by the test; `now` is passed in.
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveStep, HOUR_MS, readHistory, type ArchiveOptions } from '../../../src/store/archive.js';
import { siteKeys } from '../../../src/store/keys.js';
import { Archiver } from '../../../src/store/jobs/archiver.js';
import { closeAll, connect, freshSite, redisUrl, waitFor } from './fixtures/redis.js';

afterAll(closeAll);

type Ev = { type: 'Called'; at: number; caller: string | null; n: number };
const isEv = (e: { type: string }): e is Ev => e.type === 'Called';
const H0 = Date.UTC(2026, 2, 2, 8); // an hour boundary
const opts = (site: string, now: number): ArchiveOptions<Ev> => ({
  site,
  now,
  isKnownEvent: isEv,
  redact: (e) => ({ ...e, caller: e.caller === null ? null : 'x' }),
  timeOf: (e) => e.at,
  retentionMs: 400 * 24 * HOUR_MS,
});

/** Appends event n at stream time `ms` (event time = stream time + 50 ms skew). */
async function put(redis: ReturnType<typeof connect>, site: string, ms: number, n: number): Promise<void> {
  const e: Ev = { type: 'Called', at: ms + 50, caller: `06000000${n}`, n };
  await redis.xadd(siteKeys(site).events, `${ms}-${n}`, 'event', JSON.stringify(e), 'epoch', '1');
}

async function history(redis: ReturnType<typeof connect>, site: string, from: number, to: number) {
  const seen: Ev[] = [];
  const read = await readHistory(redis, { ...opts(site, 0), from, to }, (e) => seen.push(e));
  return { seen, read };
}

describe('event archive', () => {
  it('copies complete hours only, and a reader gets every event once, in order, without the caller', async () => {
    const redis = connect();
    const site = freshSite();
    // 3 events in hour 0, 2 in hour 1, 1 in hour 3 (hour 2 empty), 1 in the current hour 4.
    const at = [0.1, 0.5, 0.9, 1.2, 1.99, 3.5, 4.1].map((h) => H0 + Math.round(h * HOUR_MS));
    for (const [n, ms] of at.entries()) await put(redis, site, ms, n);
    const now = H0 + 4.2 * HOUR_MS;

    const step = await archiveStep(redis, opts(site, now));
    expect(step).toMatchObject({ hours: 3, events: 6, gaps: [] });
    expect(await redis.get(siteKeys(site).archiveCursor)).toBe(`${at[5]}-5`);
    expect(await redis.zcard(siteKeys(site).archiveIndex)).toBe(3);
    // A second step with nothing new to copy changes nothing.
    expect(await archiveStep(redis, opts(site, now))).toMatchObject({ hours: 0, events: 0 });

    const { seen, read } = await history(redis, site, H0, H0 + 5 * HOUR_MS);
    expect(seen.map((e) => e.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen.every((e) => e.caller === 'x')).toBe(true); // redacted, the archived and the live part
    expect(read).toMatchObject({ events: 7, archivedHours: 3, fromStream: 1, gaps: [] });

    // A range inside hour 1 (event time) takes only what falls in it.
    const part = await history(redis, site, H0 + HOUR_MS, H0 + 1.5 * HOUR_MS);
    expect(part.seen.map((e) => e.n)).toEqual([3]);
    // The archive holds no caller number.
    for (const hour of [H0, H0 + HOUR_MS, H0 + 3 * HOUR_MS]) {
      const body = await redis.getBuffer(siteKeys(site).archiveChunk(hour));
      expect(body).not.toBeNull();
      expect((await import('node:zlib')).gunzipSync(body!).toString()).not.toContain('06000000');
    }
  });

  it('copies each hour once when several archivers run at the same time', async () => {
    const site = freshSite();
    const writer = connect();
    for (let n = 0; n < 60; n++) await put(writer, site, H0 + n * 6 * 60_000, n); // 6 hours
    const now = H0 + 7 * HOUR_MS;
    const results = await Promise.all([1, 2, 3].map(() => archiveStep(connect(), opts(site, now))));
    expect(results.reduce((s, r) => s + r.events, 0)).toBe(60);
    expect(await writer.zcard(siteKeys(site).archiveIndex)).toBe(6);
    const { seen } = await history(writer, site, H0, now);
    expect(seen.map((e) => e.n)).toEqual([...Array(60).keys()]);
  });

  it('records a span trimmed before it was archived as a gap, and readers are told', async () => {
    const redis = connect();
    const site = freshSite();
    for (let n = 0; n < 6; n++) await put(redis, site, H0 + n * HOUR_MS, n);
    // Trimmed (the retention ran) before any archiving: events 0 and 1 are gone.
    await redis.xtrim(siteKeys(site).events, 'MINID', `${H0 + 2 * HOUR_MS}`);
    const before = await history(redis, site, H0, H0 + 6 * HOUR_MS);
    expect(before.seen.map((e) => e.n)).toEqual([2, 3, 4, 5]);
    expect(before.read.gaps).toEqual([{ fromMs: 0, toMs: H0 + 2 * HOUR_MS }]);

    const step = await archiveStep(redis, opts(site, H0 + 6.5 * HOUR_MS));
    expect(step.gaps).toHaveLength(1);
    expect(step.hours).toBe(4);
    const after = await history(redis, site, H0, H0 + 6 * HOUR_MS);
    expect(after.seen.map((e) => e.n)).toEqual([2, 3, 4, 5]);
    expect(after.read.gaps).toHaveLength(1);
    expect(after.read.gaps[0]!.toMs).toBeGreaterThanOrEqual(H0 + HOUR_MS);
    // A range after the gap is complete.
    expect((await history(redis, site, H0 + 3 * HOUR_MS, H0 + 6 * HOUR_MS)).read.gaps).toEqual([]);
  });

  it('drops chunks past the retention', async () => {
    const redis = connect();
    const site = freshSite();
    for (let n = 0; n < 3; n++) await put(redis, site, H0 + n * HOUR_MS, n);
    await archiveStep(redis, opts(site, H0 + 4 * HOUR_MS));
    const step = await archiveStep(redis, { ...opts(site, H0 + 4 * HOUR_MS), retentionMs: 2.5 * HOUR_MS });
    expect(step.expired).toBe(2); // hours 0 and 1 ended more than 2.5 h before now
    expect(await redis.exists(siteKeys(site).archiveChunk(H0))).toBe(0);
    expect((await history(redis, site, H0, H0 + 4 * HOUR_MS)).seen.map((e) => e.n)).toEqual([2]);
  });

  it('names a corrupt archived line instead of skipping it', async () => {
    const redis = connect();
    const site = freshSite();
    await put(redis, site, H0, 0);
    await archiveStep(redis, opts(site, H0 + 2 * HOUR_MS));
    await redis.set(siteKeys(site).archiveChunk(H0), gzipSync('{"type":"Called","at":1}\nnot json'));
    await expect(history(redis, site, 0, H0 + 2 * HOUR_MS)).rejects.toThrow(
      /archive:\d+ line entry 2.*not JSON/,
    );
  });

  it('runs on a BullMQ job scheduler', async () => {
    const site = freshSite();
    const redis = connect();
    await put(redis, site, Date.now() - 3 * HOUR_MS, 0);
    const archiver = await Archiver.start({ ...opts(site, 0), redis: redisUrl(), everyMs: 200 });
    try {
      await waitFor(async () => (await redis.zcard(siteKeys(site).archiveIndex)) === 1);
    } finally {
      await archiver.close();
    }
  });
});
