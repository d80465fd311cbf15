// BullMQ jobs of a site against the shared redis-server: the P2 callback worklist and the outbound
// DRM-created notifications (to a local HTTP server on port 0).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CallbackWorklist, type ClaimedCallback } from '../../../src/store/jobs/callbacks.js';
import { DrmNotifier, type DrmCreated } from '../../../src/store/jobs/drm-notifications.js';
import { closeAll, freshSite, redisUrl, sleep, waitFor } from './fixtures/redis.js';

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

type Hit = { at: number; key: string | undefined; body: unknown };

async function lrmServer(statusFor: (hit: number) => number): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hits.push({
        at: Date.now(),
        key: request.headers['idempotency-key'] as string,
        body: JSON.parse(body),
      });
      response.statusCode = statusFor(hits.length);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/drm`, hits };
}

const drm: DrmCreated = { drmId: 'D-1', callId: 'call-1', createdAt: '2026-01-01T10:00:00Z' };

describe('DRM-created notifications to the LRM', () => {
  it('retries a failing endpoint with exponential backoff and the same key, then reports it failed', async () => {
    const lrm = await lrmServer(() => 503);
    const failures: { error: string; attempts: number }[] = [];
    const site = freshSite();
    const notifier = new DrmNotifier({
      redis: redisUrl(),
      site,
      url: lrm.url,
      attempts: 4,
      backoffMs: 100,
      onFailed: (_drm, error, attempts) => failures.push({ error: error.message, attempts }),
    });
    closers.push(() => notifier.close());
    const key = await notifier.notify(drm);
    await waitFor(() => failures.length > 0, 10_000);
    expect(failures).toEqual([{ error: expect.stringContaining('HTTP 503') as string, attempts: 4 }]);
    expect(await notifier.state(drm)).toBe('failed');
    expect(lrm.hits).toHaveLength(4);
    expect(new Set(lrm.hits.map((hit) => hit.key))).toEqual(new Set([key]));
    const gaps = lrm.hits.slice(1).map((hit, i) => hit.at - lrm.hits[i]!.at);
    // Exponential: 100, 200, 400 ms between attempts (later, never earlier).
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
  });

  it('delivers once the endpoint recovers, and a repeated notify of the same DRM is not sent again', async () => {
    const lrm = await lrmServer((hit) => (hit <= 2 ? 500 : 201));
    const delivered: string[] = [];
    const notifier = new DrmNotifier({
      redis: redisUrl(),
      site: freshSite(),
      url: lrm.url,
      attempts: 5,
      backoffMs: 50,
      onDelivered: (d) => delivered.push(d.drmId),
    });
    closers.push(() => notifier.close());
    await notifier.notify(drm);
    await waitFor(() => delivered.length === 1, 10_000);
    await notifier.notify(drm);
    await sleep(200);
    expect(lrm.hits).toHaveLength(3);
    expect(lrm.hits[2]!.body).toMatchObject({ event: 'drm-created', drm: { drmId: 'D-1' } });
  });

  it('does not retry a request the endpoint refuses for good (HTTP 400)', async () => {
    const lrm = await lrmServer(() => 400);
    const failures: number[] = [];
    const notifier = new DrmNotifier({
      redis: redisUrl(),
      site: freshSite(),
      url: lrm.url,
      attempts: 5,
      backoffMs: 50,
      onFailed: (_d, _e, attempts) => failures.push(attempts),
    });
    closers.push(() => notifier.close());
    await notifier.notify(drm);
    await waitFor(() => failures.length === 1, 5_000);
    expect(lrm.hits).toHaveLength(1);
  });
});
