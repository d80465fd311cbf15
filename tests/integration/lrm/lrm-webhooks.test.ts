/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// The webhook queue alone, on the real redis-server and a real HTTP receiver (the example LRM):
// order per call kept while one call's deliveries fail and are retried, other calls not held up;
// the same event queued twice is delivered once; a refused signature is not retried and does not
// block the call's next events.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { LrmWebhooks, type WebhookDelivery } from '../../../src/lrm/lrm-webhooks.js';
import { startExampleLrm, type ExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { until } from '../api/harness.js';
import { waitFor } from '../store/fixtures/redis.js';

const SECRET = 'webhook-secret-for-tests';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(secret = SECRET) {
  const lrm = await startExampleLrm({ secret: SECRET });
  const failed: WebhookDelivery[] = [];
  const hooks = new LrmWebhooks({
    redis: inject('redisUrl'),
    site: `t${randomBytes(4).toString('hex')}`,
    targets: { lrm: { url: lrm.url, secret } },
    backoffMs: 30,
    attempts: 8,
    onFailed: (d) => failed.push(d),
  });
  closers.push(
    () => lrm.close(),
    () => hooks.close(),
  );
  return { lrm, hooks, failed };
}

const ev = (callId: string, n: number) => ({ id: `${callId}-e${n}`, type: `step.${n}`, callId });
const byCall = (lrm: ExampleLrm, callId: string) =>
  lrm.received.filter((d) => (d.body as any).callId === callId).map((d) => (d.body as any).n);

describe('LRM webhooks (BullMQ)', () => {
  it('keeps the order of each call through retries, without holding up the other calls', async () => {
    const { lrm, hooks, failed } = await setup();
    // B's endpoint fails until A and C are through: they are not held up by it.
    lrm.failNext(Number.MAX_SAFE_INTEGER, (d) => (d.body as any).callId === 'B');
    for (let n = 1; n <= 5; n++)
      for (const callId of ['A', 'B', 'C']) await hooks.send('lrm', ev(callId, n), { callId, n });
    await until(() => byCall(lrm, 'A').length === 5 && byCall(lrm, 'C').length === 5, 'A and C', 20_000);
    await until(() => lrm.failedOnPurpose >= 2, 'B retried', 10_000);
    expect(byCall(lrm, 'B')).toEqual([]);
    lrm.failNext(0);
    await until(() => lrm.received.length === 15, 'all 15 delivered', 20_000);
    for (const callId of ['A', 'B', 'C']) expect(byCall(lrm, callId)).toEqual([1, 2, 3, 4, 5]);
    expect(lrm.repeats).toEqual([]);
    expect(failed).toEqual([]);
    // B's first event was retried (signed afresh each time), its later ones waited their turn.
    expect(lrm.received.find((d) => d.key === 'B-e1')!.attempt).toBeGreaterThan(1);
  });

  it('the same event queued twice is delivered once (its id is the job id and the idempotency key)', async () => {
    const { lrm, hooks } = await setup();
    await hooks.send('lrm', ev('D', 1), { callId: 'D', n: 1 });
    await hooks.send('lrm', ev('D', 1), { callId: 'D', n: 1 });
    await hooks.send('lrm', ev('D', 2), { callId: 'D', n: 2 });
    await until(() => byCall(lrm, 'D').length === 2, 'D delivered', 10_000);
    await waitFor(async () => (await hooks.state('lrm', 'D', ev('D', 2).id)) === 'completed');
    expect(byCall(lrm, 'D')).toEqual([1, 2]);
    expect(lrm.received.map((d) => d.key)).toEqual(['D-e1', 'D-e2']);
    expect(lrm.repeats).toEqual([]);
  });

  it('a wrong signature is refused (401), given up at once, and does not block the next events', async () => {
    const { lrm, hooks, failed } = await setup('not-the-lrm-secret-at-all');
    await hooks.send('lrm', ev('E', 1), { callId: 'E', n: 1 });
    await hooks.send('lrm', ev('E', 2), { callId: 'E', n: 2 });
    await until(() => failed.length === 2, 'both given up', 10_000);
    expect(failed.map((f) => [f.id, f.attempts])).toEqual([
      ['lrm-E-e1', 1],
      ['lrm-E-e2', 1],
    ]);
    expect(lrm.refused.map((r) => r.reason)).toEqual(['mismatch', 'mismatch']);
    expect(lrm.received).toEqual([]);
  });
});
