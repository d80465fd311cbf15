/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// `recording.available` through the LRM link, with a real redis-server (BullMQ) and the example LRM
// (simulator/lrm): reported after the call ended, it is delivered signed, once (a repeated report
// has the same idempotency key), after the call's events; reported while the call is still live
// here, it keeps the call's order (after call.arrived, before call.ended).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callRef } from '../../../src/lrm/call-ref.js';
import { LrmLink } from '../../../src/lrm/lrm-link.js';
import { createLogger } from '../../../src/ports/logger.js';
import { startExampleLrm, type ExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { startHarness, until, type Harness } from '../api/harness.js';

const SECRET = 'lrm-recording-secret-for-tests';
let h: Harness;
let lrm: ExampleLrm;
let link: LrmLink;

beforeAll(async () => {
  h = await startHarness();
  lrm = await startExampleLrm({ secret: SECRET });
  link = new LrmLink({
    site: h.sites.get('44')!,
    redis: inject('redisUrl'),
    logger: createLogger({ level: 'silent' }),
    webhook: { url: lrm.url, secret: SECRET },
    tuning: { backoffMs: 50, attempts: 6 },
  });
});
afterAll(async () => {
  await link?.close();
  await lrm?.close();
  await h?.stop();
});

const site = () => h.runtimes.get('44')!;
const received = (callId: string) => lrm.received.filter((d) => (d.body as any).callId === callId);
const types = (callId: string) => received(callId).map((d) => d.event);

describe('recording.available to the LRM', () => {
  it('is delivered once, signed, after the call ended', async () => {
    const callId = `rec-${randomBytes(4).toString('hex')}`;
    const ref = callRef('44', callId);
    expect((await site().dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: null })).ok).toBe(
      true,
    );
    expect((await site().dispatch({ type: 'callerHungUp', callId })).ok).toBe(true);
    await until(() => types(callId).includes('call.ended'), 'call.ended', 10_000);
    const report = { callId, name: ref, format: 'wav', durationSeconds: 42, at: Date.now() };
    link.recordingAvailable(report);
    link.recordingAvailable(report); // the same recording reported again: one delivery
    const got = await until(
      () => received(callId).find((d) => d.event === 'recording.available'),
      'recording.available',
      10_000,
    );
    expect(got.body).toMatchObject({
      type: 'recording.available',
      callId,
      callRef: ref,
      siteId: '44',
      data: { name: ref, format: 'wav', durationSeconds: 42 },
    });
    expect(lrm.refused).toEqual([]);
    // Give a second delivery every chance to show up before asserting there is none.
    const marker = `rec-${randomBytes(4).toString('hex')}`;
    await site().dispatch({ type: 'arriveCall', callId: marker, line: '15', callerNumber: null });
    await until(() => types(marker).includes('call.arrived'), 'a later event delivered', 10_000);
    expect(types(callId).filter((t) => t === 'recording.available')).toHaveLength(1);
    expect(lrm.repeats.filter((d) => (d.body as any).callId === callId)).toEqual([]); // queued once
    expect(types(callId).at(-1)).toBe('recording.available');
    await site().dispatch({ type: 'callerHungUp', callId: marker });
  });

  it('keeps the call order when reported while the call is still live here', async () => {
    const callId = `rec-${randomBytes(4).toString('hex')}`;
    expect((await site().dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: null })).ok).toBe(
      true,
    );
    link.recordingAvailable({
      callId,
      name: callRef('44', callId),
      format: 'wav',
      durationSeconds: 1,
      at: Date.now(),
    });
    expect((await site().dispatch({ type: 'callerHungUp', callId })).ok).toBe(true);
    await until(() => types(callId).includes('call.ended'), 'call.ended', 10_000);
    const t = types(callId);
    expect(t.indexOf('call.arrived')).toBeLessThan(t.indexOf('recording.available'));
    expect(t.indexOf('recording.available')).toBeLessThan(t.indexOf('call.ended'));
  });
});
