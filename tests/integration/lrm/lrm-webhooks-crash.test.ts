/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// The webhook queue across a crash: a process delivering calls' backlogs is killed (SIGKILL) while
// the LRM holds some of its requests (unanswered, acted on or not); a new process takes the drains
// over. Every event is acted on by the LRM exactly once, in order per call (a request in flight at
// the crash may come again with the same Idempotency-Key: a repeat, not acted on), and nothing stays
// queued.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { LrmWebhooks } from '../../../src/lrm/lrm-webhooks.js';
import { startExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { until } from '../api/harness.js';
import { killChildren, spawnJsonChild, type Child } from '../store/fixtures/child.js';

const SECRET = 'webhook-secret-for-crash-tests';
const CALLS = 20;
const child = fileURLToPath(new URL('./fixtures/webhooks-child.ts', import.meta.url));
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  killChildren();
  for (const c of closers.splice(0).reverse()) await c();
});

async function stop(c: Child, signal: NodeJS.Signals) {
  c.kill(signal);
  await c.exited;
}

describe('LRM webhooks across a crash of the delivering process', () => {
  for (const afterActing of [false, true])
    it(`kill -9 with requests in flight (${afterActing ? 'acted on, answer lost' : 'not acted on'}): none lost, none acted on twice, order kept`, async () => {
      const lrm = await startExampleLrm({ secret: SECRET });
      closers.push(() => lrm.close());
      const site = `t${randomBytes(4).toString('hex')}`;
      const args = (mode: string) => [inject('redisUrl'), site, lrm.url, SECRET, mode, String(CALLS)];
      lrm.holdAfter(30, afterActing);
      const first = spawnJsonChild(child, args('send'));
      await first.waitForLine((l) => l.queued === CALLS * 6);
      await until(() => lrm.held > 0 && lrm.received.length >= 30, 'requests held at the LRM', 30_000);
      await stop(first, 'SIGKILL');
      lrm.release();

      const second = spawnJsonChild(child, args('work'));
      closers.push(() => stop(second, 'SIGTERM'));
      await until(() => lrm.received.length === CALLS * 6, 'every event acted on', 60_000);

      const keys = lrm.received.map((d) => d.key);
      expect(new Set(keys).size).toBe(CALLS * 6);
      for (let c = 0; c < CALLS; c++)
        expect(
          lrm.received.filter((d) => (d.body as any).callId === `c${c}`).map((d) => (d.body as any).n),
          `call c${c}`,
        ).toEqual([0, 1, 2, 3, 4, 5]);
      // Only a request in flight at the crash (at most one per drain: the child runs 4) may come
      // again, acted on, its answer never read; or one whose answer came after the sender's
      // timeout (1 s here: seen at load 19), retried. Same key: the LRM does not act twice.
      const timedOut = [...first.lines, ...second.lines].filter((l) => 'retry' in l).length;
      expect(lrm.repeats.length).toBeLessThanOrEqual(4 + timedOut);
      for (const r of lrm.repeats) expect(keys).toContain(r.key);

      // Nothing left in the backlog (read from a third instance of the queue).
      const probe = new LrmWebhooks({ redis: inject('redisUrl'), site, targets: {}, concurrency: 1 });
      closers.push(() => probe.close());
      expect(await probe.counts()).toMatchObject({ waiting: 0, failed: 0 });
    });
});
