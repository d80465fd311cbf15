import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../../../src/store/event-log.js';
import { CorruptEntryError, LeaseLostError, StreamGapError } from '../../../src/store/errors.js';
import { siteKeys } from '../../../src/store/keys.js';
import { Lease } from '../../../src/store/lease.js';
import { applyEvent } from '../../../src/store/reducer.js';
import { recover } from '../../../src/store/recover.js';
import { loadSnapshot, saveSnapshot } from '../../../src/store/snapshot.js';
import { isLedgerEvent, ledger, type LedgerEvent } from './fixtures/ledger.js';
import { closeAll, connect, freshSite } from './fixtures/redis.js';

afterAll(closeAll);

const eventArb: fc.Arbitrary<LedgerEvent> = fc.oneof(
  fc.record({
    type: fc.constant('Deposited' as const),
    account: fc.constantFrom('a', 'b', 'c'),
    amount: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({
    type: fc.constant('Withdrawn' as const),
    account: fc.constantFrom('a', 'b', 'c'),
    amount: fc.integer({ min: 1, max: 100 }),
  }),
);

const recoverLedger = (redis: ReturnType<typeof connect>, site: string, pageSize = 7) =>
  recover(redis, { site, reducer: ledger, isKnownEvent: isLedgerEvent, pageSize });

describe('recovery (snapshot + replay of the tail)', () => {
  it('gives the same state as applying the events live, whatever the batches and snapshot points', async () => {
    const redis = connect();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(eventArb, { minLength: 0, maxLength: 6 }), { maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.constantFrom(0, Infinity),
        async (batches, snapshotAfter, retentionMs) => {
          const site = freshSite();
          const lease = new Lease(redis, site);
          await lease.tryAcquire();
          let live = ledger.initial();
          let lastId = '0-0';
          for (const [i, batch] of batches.entries()) {
            const ids = await appendEvents(redis, site, lease.token, batch);
            for (const event of batch) live = applyEvent(ledger, live, event);
            lastId = ids.at(-1) ?? lastId;
            if (snapshotAfter[i]) await saveSnapshot(redis, site, lease.token, live, lastId, { retentionMs });
          }
          const recovered = await recoverLedger(redis, site);
          expect(recovered.state).toEqual(live);
          expect(recovered.lastId).toBe(lastId);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('starts from the initial state when the site has nothing yet', async () => {
    const recovered = await recoverLedger(connect(), freshSite());
    expect(recovered).toEqual({ state: ledger.initial(), lastId: '0-0', replayed: 0, snapshotId: null });
  });

  it('stops at a corrupt entry with an error naming its id', async () => {
    const redis = connect();
    const cases: [string[], RegExp][] = [
      [['event', '{not json'], /is not JSON/],
      [['event', '{"amount":3}'], /no string "type"/],
      [['event', '{"type":"Exploded"}'], /unknown event type "Exploded"/],
      [['other', 'x'], /no "event" field/],
      [['event', '[1,2]'], /not an object/],
    ];
    for (const [fields, reason] of cases) {
      const site = freshSite();
      const lease = new Lease(redis, site);
      await lease.tryAcquire();
      await appendEvents(redis, site, lease.token, [{ type: 'Deposited', account: 'a', amount: 1 } as never]);
      const badId = await redis.xadd(siteKeys(site).events, '*', ...fields);
      await appendEvents(redis, site, lease.token, [{ type: 'Deposited', account: 'a', amount: 1 } as never]);
      const failure = await recoverLedger(redis, site).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CorruptEntryError);
      expect((failure as CorruptEntryError).entryId).toBe(badId);
      expect((failure as Error).message).toContain(badId!);
      expect((failure as Error).message).toMatch(reason);
    }
  });

  it('refuses to replay a stream trimmed past the snapshot rather than miss events', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    await appendEvents(redis, site, lease.token, [{ type: 'Tick' } as never, { type: 'Tick' } as never]);
    await redis.xtrim(siteKeys(site).events, 'MAXLEN', 1);
    await expect(recoverLedger(redis, site)).rejects.toBeInstanceOf(StreamGapError);
  });
});

describe('snapshots (saveSnapshot-3.lua)', () => {
  it('trims events covered by the snapshot and older than the retention, keeping the rest', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    const ids = await appendEvents(redis, site, lease.token, [
      { type: 'Tick' },
      { type: 'Tick' },
      { type: 'Tick' },
    ]);
    const state = { balances: {}, count: 2, history: [] };
    expect(
      await saveSnapshot(redis, site, lease.token, state, ids[1]!, {
        retentionMs: 0,
        now: Date.now() + 1_000,
      }),
    ).toBe(1);
    expect((await redis.xrange(siteKeys(site).events, '-', '+')).map(([id]) => id)).toEqual(ids.slice(1));
    expect(await loadSnapshot(redis, site)).toEqual({ state, lastId: ids[1], epoch: 1 });
  });

  it('keeps events younger than the retention even when a snapshot covers them', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    const ids = await appendEvents(redis, site, lease.token, [{ type: 'Tick' }, { type: 'Tick' }]);
    expect(await saveSnapshot(redis, site, lease.token, {}, ids[1]!, { retentionMs: 3_600_000 })).toBe(0);
    expect(await redis.xlen(siteKeys(site).events)).toBe(2);
  });

  it('refuses a snapshot from a deposed writer and one older than the stored snapshot', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    const ids = await appendEvents(redis, site, lease.token, [{ type: 'Tick' }, { type: 'Tick' }]);
    await saveSnapshot(redis, site, lease.token, { n: 2 }, ids[1]!);
    await expect(saveSnapshot(redis, site, lease.token, { n: 1 }, ids[0]!)).rejects.toThrow(/STALE/);
    await expect(saveSnapshot(redis, site, 'deposed', { n: 3 }, ids[1]!)).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect((await loadSnapshot(redis, site))?.state).toEqual({ n: 2 });
  });
});
