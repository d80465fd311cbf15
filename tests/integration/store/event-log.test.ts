import { afterAll, describe, expect, it } from 'vitest';
import { appendEvents, appendGroups, processedCommandIds } from '../../../src/store/event-log.js';
import { DuplicateCommandError, LeaseLostError } from '../../../src/store/errors.js';
import { siteKeys } from '../../../src/store/keys.js';
import { Lease } from '../../../src/store/lease.js';
import { closeAll, connect, freshSite } from './fixtures/redis.js';

afterAll(closeAll);

describe('fenced append (appendEvents-4.lua)', () => {
  it('appends a batch in order and returns its stream ids, stamped with the epoch', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    const ids = await appendEvents(redis, site, lease.token, [
      { type: 'Deposited', account: 'a', amount: 1 } as never,
      { type: 'Deposited', account: 'a', amount: 2 } as never,
    ]);
    expect(ids).toHaveLength(2);
    const entries = await redis.xrange(siteKeys(site).events, '-', '+');
    expect(entries.map(([id]) => id)).toEqual(ids);
    expect(entries[1]![1]).toEqual(['event', '{"type":"Deposited","account":"a","amount":2}', 'epoch', '1']);
  });

  it('refuses a writer without the lease with LeaseLostError and writes nothing', async () => {
    const redis = connect();
    const site = freshSite();
    await expect(appendEvents(redis, site, 'not-a-token', [{ type: 'Tick' }])).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await new Lease(redis, site).tryAcquire();
    await expect(appendEvents(redis, site, 'not-a-token', [{ type: 'Tick' }])).rejects.toThrow(
      /lease of site/,
    );
    expect(await redis.exists(siteKeys(site).events)).toBe(0);
  });

  it('records processed commands with their events and refuses a repeated one as a whole', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    await appendGroups(redis, site, lease.token, [
      { commandId: 'c1', commandMs: Date.now(), events: [{ type: 'Tick' }] },
      { commandId: 'c2', commandMs: Date.now(), events: [] },
    ]);
    expect(await processedCommandIds(redis, site, ['c1', 'c2', 'c3'])).toEqual(new Set(['c1', 'c2']));
    await expect(
      appendGroups(redis, site, lease.token, [
        { commandId: 'c3', commandMs: Date.now(), events: [{ type: 'Tick' }] },
        { commandId: 'c1', commandMs: Date.now(), events: [{ type: 'Tick' }] },
      ]),
    ).rejects.toBeInstanceOf(DuplicateCommandError);
    expect(await redis.xlen(siteKeys(site).events)).toBe(1);
    expect(await processedCommandIds(redis, site, ['c3'])).toEqual(new Set());
    const [, fields] = (await redis.xrange(siteKeys(site).events, '-', '+'))[0]!;
    expect(fields).toContain('c1');
  });

  it('forgets processed command ids older than the retention', async () => {
    const redis = connect();
    const site = freshSite();
    const lease = new Lease(redis, site);
    await lease.tryAcquire();
    await appendGroups(redis, site, lease.token, [{ commandId: 'old', commandMs: 1_000, events: [] }], 500);
    await appendGroups(redis, site, lease.token, [{ commandId: 'new', commandMs: 2_000, events: [] }], 500);
    expect(await processedCommandIds(redis, site, ['old', 'new'])).toEqual(new Set(['new']));
  });
});
