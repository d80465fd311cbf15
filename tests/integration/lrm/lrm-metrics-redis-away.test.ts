// /metrics while Redis is away (docs/lrm.md, "Webhooks"): the LRM backlog gauge
// (sas_acd_lrm_webhook_jobs) asks BullMQ, whose client queues the command until Redis is back and
// never gives up; a scrape must still answer. Its own redis-server, stopped and started again: the
// scrape answers with the site's series absent (not the last figures, which would read as live),
// scrapes meanwhile do not pile commands up, and the figures are back once Redis is. The queue's
// Redis clients print nothing to stderr meanwhile (no "[ioredis] Unhandled error event" per failed
// reconnection): the outage is logged once through the project's logger, and so is the return.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { LrmMetrics } from '../../../src/lrm/lrm-metrics.js';
import { LrmWebhooks } from '../../../src/lrm/lrm-webhooks.js';
import { createLogger } from '../../../src/ports/logger.js';
import { startExampleLrm, type ExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { startExtraRedis, type RedisServer } from '../../setup/redis-extra.js';
import { waitFor } from '../store/fixtures/redis.js';

const SECRET = 'webhook-secret-for-tests';
let redis: RedisServer;
let lrm: ExampleLrm;
let hooks: LrmWebhooks;
const registry = new Registry();
const metrics = new LrmMetrics();
const site = `t${randomBytes(4).toString('hex')}`;
let asked = 0;
const logged: { level: number; msg: string }[] = [];
const logger = createLogger({
  destination: new Writable({
    write: (chunk, _e, cb) => {
      for (const line of String(chunk).split('\n').filter(Boolean))
        logged.push(JSON.parse(line) as { level: number; msg: string });
      cb();
    },
  }),
});
let printed: MockInstance<typeof console.error>;
const said = (text: string) => logged.filter((l) => l.msg.includes(text)).length;

beforeAll(async () => {
  printed = vi.spyOn(console, 'error'); // still printed: only recorded
  redis = await startExtraRedis();
  lrm = await startExampleLrm({ secret: SECRET });
  hooks = new LrmWebhooks({
    redis: redis.url,
    site,
    targets: { lrm: { url: lrm.url, secret: SECRET } },
    backoffMs: 30,
    logger,
  });
  metrics.add({
    siteId: site,
    counts: () => {
      asked++;
      return hooks.counts();
    },
  });
  metrics.register(registry);
});
afterAll(async () => {
  // Redis is up again by then (the test starts it), so the queue closes without waiting for it.
  await hooks?.close();
  await lrm?.close();
  await redis?.stop();
  printed?.mockRestore();
});

/** A scrape, failed (never hung) after a bound far wider than the gauge's own 2 s. */
async function scrape(): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the /metrics scrape did not answer within 30 s')), 30_000);
  });
  try {
    return await Promise.race([registry.metrics(), hung]);
  } finally {
    clearTimeout(timer);
  }
}
const series = (text: string) =>
  text.split('\n').filter((l) => l.startsWith(`sas_acd_lrm_webhook_jobs{site="${site}",`));

describe('the LRM backlog gauge while Redis is away', () => {
  it('answers without the site’s series, piles no command up, and counts again once Redis is back', async () => {
    await hooks.send('lrm', { id: 'C1-e1', type: 'call.arrived', callId: 'C1' }, { callId: 'C1' });
    await waitFor(() => lrm.received.length === 1, 20_000);
    await waitFor(async () => (await hooks.state('lrm', 'C1', 'C1-e1')) === 'completed', 20_000);
    const before = await scrape();
    expect(series(before)).toEqual(
      expect.arrayContaining([
        `sas_acd_lrm_webhook_jobs{site="${site}",state="waiting"} 0`,
        `sas_acd_lrm_webhook_jobs{site="${site}",state="failed"} 0`,
      ]),
    );

    await redis.stop({ keepDir: true });
    const askedBefore = asked;
    const away = await scrape();
    // Unknown, so absent: no stale figure that reads as live; the rest of the scrape is there.
    expect(series(away)).toEqual([]);
    expect(away).toContain('# HELP sas_acd_lrm_webhook_jobs');
    expect(away).toContain('sas_acd_lrm_webhook_deliveries_total');
    // A second scrape while the first one's counts still wait for Redis asks nothing more of it.
    expect(series(await scrape())).toEqual([]);
    expect(asked).toBe(askedBefore + 1);
    // The outage is said once, however many reconnections fail.
    await waitFor(() => said('Redis unreachable') > 0, 20_000);

    await redis.start();
    // Once Redis answers, the figures come back (the queued counts, then fresh ones).
    for (let i = 0; ; i++) {
      const back = series(await scrape());
      if (back.includes(`sas_acd_lrm_webhook_jobs{site="${site}",state="failed"} 0`)) break;
      if (i > 100) throw new Error(`the gauge did not come back: ${back.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitFor(() => said('Redis reachable again') > 0, 20_000);
    expect(said('Redis unreachable')).toBe(1);
    expect(said('Redis reachable again')).toBe(1);
    // Nothing went to stderr as an unhandled error event (ioredis) or an unlistened error (BullMQ).
    const noise = printed.mock.calls.map((args) => args.map(String).join(' '));
    expect(noise.filter((t) => /Unhandled error event|ECONNREFUSED/.test(t))).toEqual([]);
  });
});
