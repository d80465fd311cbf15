import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { appendEvents } from '../../../src/store/event-log.js';
import { CorruptEntryError } from '../../../src/store/errors.js';
import { siteKeys } from '../../../src/store/keys.js';
import { Lease } from '../../../src/store/lease.js';
import { saveSnapshot } from '../../../src/store/snapshot.js';
import { EventTail } from '../../../src/store/tail.js';
import { isLedgerEvent, ledger, type LedgerEvent, type LedgerState } from './fixtures/ledger.js';
import { startLedgerTail, stopAllWriters } from './fixtures/ledger-writer.js';
import { closeAll, connect, freshSite, redisUrl } from './fixtures/redis.js';

afterEach(stopAllWriters);
afterAll(closeAll);

const deposit = (amount: number): LedgerEvent => ({ type: 'Deposited', account: 'a', amount });

describe('event tail (read model)', () => {
  it('follows the events appended after it started, in order', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    const [first] = await appendEvents(redis, site, lease.token, [deposit(1)]);
    const seen: string[] = [];
    const tail = new EventTail<LedgerState, LedgerEvent>({
      redis: redisUrl(),
      site,
      reducer: ledger,
      isKnownEvent: isLedgerEvent,
      onEvent: (_event, id) => seen.push(id),
    });
    await tail.caughtUp(first!); // recovered: what follows is live
    const ids = [
      ...(await appendEvents(redis, site, lease.token, [deposit(2), deposit(3)])),
      ...(await appendEvents(redis, site, lease.token, [deposit(4)])),
    ];
    await tail.caughtUp(ids.at(-1)!);
    expect(tail.state?.balances.a).toBe(10);
    expect(seen).toEqual(ids);
    await tail.stop();
  });

  it('stops on a corrupt entry with an error naming it, and applies nothing after it', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    const tail = startLedgerTail(redisUrl(), site);
    const [good] = await appendEvents(redis, site, lease.token, [deposit(1)]);
    await tail.caughtUp(good!);
    const bad = await redis.xadd(siteKeys(site).events, '*', 'event', '{"type":"Unheard"}');
    await appendEvents(redis, site, lease.token, [deposit(5)]);
    const failure = await tail.done.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CorruptEntryError);
    expect((failure as Error).message).toContain(bad!);
    expect(tail.state?.balances.a).toBe(1);
    expect(tail.lastId).toBe(good);
  });

  it('rebuilds its state from the snapshot when it is behind a trim, and says so', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    const ids = await appendEvents(redis, site, lease.token, [deposit(1), deposit(2), deposit(3)]);
    const snapshotState = { balances: { a: 6 }, count: 3, history: [] };
    await saveSnapshot(redis, site, lease.token, snapshotState, ids[2]!, {
      retentionMs: 0,
      now: Date.now() + 1_000,
    });
    const resyncs: string[] = [];
    const tail = new EventTail<LedgerState, LedgerEvent>({
      redis: redisUrl(),
      site,
      reducer: ledger,
      isKnownEvent: isLedgerEvent,
      from: { state: ledger.initial(), lastId: ids[0]! }, // saw only the first event
      onResync: (_state, lastId) => resyncs.push(lastId),
    });
    const [next] = await appendEvents(redis, site, lease.token, [deposit(4)]);
    await tail.caughtUp(next!);
    expect(resyncs).toHaveLength(1);
    expect(tail.state?.balances.a).toBe(10);
    await tail.stop();
  });
});
