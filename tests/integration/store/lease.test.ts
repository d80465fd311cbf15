import { afterAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../../../src/store/event-log.js';
import { LeaseLostError } from '../../../src/store/errors.js';
import { siteKeys } from '../../../src/store/keys.js';
import { Lease } from '../../../src/store/lease.js';
import { closeAll, connect, freshSite, sleep } from './fixtures/redis.js';

afterAll(closeAll);

describe('writer lease', () => {
  it('refuses a second writer while the first holds the lease', async () => {
    const redis = connect();
    const site = freshSite();
    const first = new Lease(redis, site);
    const second = new Lease(redis, site);
    expect(await first.tryAcquire()).toEqual({ acquired: true, epoch: 1 });
    const refused = await second.tryAcquire();
    expect(refused.acquired).toBe(false);
    if (!refused.acquired) expect(refused.heldForMs).toBeGreaterThan(0);
  });

  it('bumps the fencing epoch on every acquisition, never reusing one', async () => {
    const redis = connect();
    const site = freshSite();
    const epochs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lease = new Lease(redis, site);
      const result = await lease.tryAcquire();
      if (result.acquired) epochs.push(result.epoch);
      await lease.release();
    }
    expect(epochs).toEqual([1, 2, 3]);
  });

  it('keeps the lease alive while renewed, past its TTL', async () => {
    const redis = connect();
    const site = freshSite();
    const holder = new Lease(redis, site, { ttlMs: 300 });
    await holder.tryAcquire();
    for (let i = 0; i < 5; i++) {
      await sleep(100);
      await holder.renew();
    }
    expect((await new Lease(redis, site).tryAcquire()).acquired).toBe(false);
  });

  it('lets a standby take over once the holder stops renewing, and fences the old holder', async () => {
    const redis = connect();
    const site = freshSite();
    const old = new Lease(redis, site, { ttlMs: 300 });
    const standby = new Lease(redis, site, { ttlMs: 300 });
    await old.tryAcquire();
    await appendEvents(redis, site, old.token, [{ type: 'Tick' }]);
    const started = Date.now();
    while (!(await standby.tryAcquire()).acquired) await sleep(25);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(standby.epoch).toBe(2);

    await expect(appendEvents(redis, site, old.token, [{ type: 'Tick' }])).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await expect(old.renew()).rejects.toBeInstanceOf(LeaseLostError);
    expect(await old.release()).toBe(false);
    expect(await redis.xlen(siteKeys(site).events)).toBe(1);
  });

  it('releases only for the holder, so a standby can take over at once', async () => {
    const redis = connect();
    const site = freshSite();
    const holder = new Lease(redis, site);
    await holder.tryAcquire();
    expect(await new Lease(redis, site).release()).toBe(false);
    expect(await holder.release()).toBe(true);
    expect((await new Lease(redis, site).tryAcquire()).acquired).toBe(true);
  });
});
