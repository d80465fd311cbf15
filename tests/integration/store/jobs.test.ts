// BullMQ jobs of a site against the shared redis-server: the P2 callback worklist. (The LRM
// webhooks have their own tests: tests/integration/lrm/.)
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CallbackWorklist, type ClaimedCallback } from '../../../src/store/jobs/callbacks.js';
import { closeAll, freshSite, redisUrl, waitFor } from './fixtures/redis.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(closeAll);

function worklist(site: string): CallbackWorklist {
  const list = new CallbackWorklist(redisUrl(), site);
  closers.push(() => list.close());
  return list;
}

const task = (n: number) => ({
  id: `cb-${n}`,
  callId: `call-${n}`,
  callerNumber: `06000000${n % 10}${n % 7}`,
});

describe('P2 callback worklist', () => {
  it('puts a task back on the list when its taker walks away without completing it', async () => {
    const site = freshSite();
    const watcher = new CallbackWorklist(redisUrl(), site, 400);
    closers.push(() => watcher.close());
    watcher.watchAbandonedClaims();
    await watcher.schedule(task(9));
    const gone = new CallbackWorklist(redisUrl(), site, 400);
    expect((await gone.claim('taker-gone'))?.task.id).toBe('cb-9');
    await gone.close(); // never completes nor releases it
    const next = worklist(site);
    expect(await next.claim('taker-2')).toBeNull();
    const reclaimed = await waitFor(() => next.claim('taker-2'), 5_000, 100);
    expect(reclaimed.task.id).toBe('cb-9');
  });

  it('gives each task to exactly one of two competing takers', async () => {
    const site = freshSite();
    const desk = worklist(site);
    for (let n = 0; n < 40; n++) await desk.schedule(task(n));
    const takers = [worklist(site), worklist(site)];
    const claimed: ClaimedCallback[][] = [[], []];
    await Promise.all(
      takers.map(async (taker, t) => {
        for (;;) {
          const claim = await taker.claim(`taker-${t}`);
          if (!claim) return;
          claimed[t]!.push(claim);
          await taker.complete(claim, 'called back');
        }
      }),
    );
    const ids = claimed.flat().map((claim) => claim.task.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(claimed[0]!.length).toBeGreaterThan(0);
    expect(claimed[1]!.length).toBeGreaterThan(0);
  });

  it('serves the most urgent task first and holds a delayed one until it is due', async () => {
    const desk = worklist(freshSite());
    await desk.schedule(task(1), { priority: 5 });
    await desk.schedule(task(2), { priority: 1 });
    await desk.schedule(task(3), { priority: 3, delayMs: 400 });
    const first = await desk.claim('t');
    const second = await desk.claim('t');
    expect([first?.task.id, second?.task.id]).toEqual(['cb-2', 'cb-1']);
    expect(await desk.claim('t')).toBeNull();
    const due = await waitFor(() => desk.claim('t'), 3_000, 50);
    expect(due.task.id).toBe('cb-3');
  });

  it('ignores a task scheduled twice and gives a released task to the next taker', async () => {
    const site = freshSite();
    const desk = worklist(site);
    await desk.schedule(task(7));
    await desk.schedule(task(7));
    const claim = await desk.claim('first');
    expect(await worklist(site).claim('second')).toBeNull();
    await desk.release(claim!);
    const again = await worklist(site).claim('second');
    expect(again?.task.id).toBe('cb-7');
    expect(await desk.claim('third')).toBeNull();
  });
});
