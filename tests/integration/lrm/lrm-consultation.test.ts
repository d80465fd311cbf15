/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// The consultative outside transfer's steps as LRM webhooks (docs/lrm.md, "Events to the LRM"),
// end to end: the agent consults through the API, the example LRM (a real HTTP server checking
// each signature) receives consultation.started / answered / completed or ended, signed, in the
// caller's call's order, once each, despite a failing endpoint and a second process queuing the
// same events (their ids are the idempotency keys); the WebSocket feed carries the same ids.
// Real redis-server of its own (BullMQ), so no other test file's worker drains this site's queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRef } from '../../../src/lrm/call-ref.js';
import { LrmLink } from '../../../src/lrm/lrm-link.js';
import { createLogger } from '../../../src/ports/logger.js';
import { startExampleLrm, type ExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { startExtraRedis, type RedisServer } from '../../setup/redis-extra.js';
import { next, startHarness, until, type Harness } from '../api/harness.js';

const SECRET = 'lrm-consultation-secret-for-tests';
let h: Harness;
let redis: RedisServer;
let lrm: ExampleLrm;
let links: LrmLink[] = [];

beforeAll(async () => {
  redis = await startExtraRedis();
  h = await startHarness();
  lrm = await startExampleLrm({ secret: SECRET });
  // Two links on the site: as two processes following it, both queue every event.
  links = [0, 1].map(
    () =>
      new LrmLink({
        site: h.sites.get('44')!,
        redis: redis.url,
        logger: createLogger({ level: 'silent' }),
        webhook: { url: lrm.url, secret: SECRET },
        tuning: { backoffMs: 50, attempts: 8 },
      }),
  );
});
afterAll(async () => {
  for (const l of links) await l.close();
  await lrm?.close();
  await h?.stop();
  await redis?.stop();
});

const site = () => h.runtimes.get('44')!;
const received = (callId: string) => lrm.received.filter((d) => (d.body as any).callId === callId);
const post = (path: string, body: unknown) =>
  h.call('POST', `/sites/44/agent/consult-outside${path}`, { as: 'arm2', body });

/** A call answered by arm-2 (logged in and ready). */
async function answeredCall(callId: string): Promise<void> {
  const s = site();
  await s.dispatch({ type: 'agentLogin', agentId: 'arm-2' }); // refused if logged in already
  await s.dispatch({ type: 'agentReady', agentId: 'arm-2' });
  expect((await s.dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: '0611223344' })).ok).toBe(
    true,
  );
  expect((await s.dispatch({ type: 'answerOffer', callId, agentId: 'arm-2' })).ok).toBe(true);
}

describe('LRM events of the consultative outside transfer', () => {
  it('started, answered, completed: signed, in order, once each, despite failures and a second process', async () => {
    const feed = h.socket('/lrm', await h.token('lrm44'));
    const feedEvents: any[] = [];
    feed.on('event', (e) => feedEvents.push(e));
    await next(feed, 'calls');
    const callId = `cs-${Date.now().toString(36)}`;
    await answeredCall(callId);
    await until(() => received(callId).some((d) => d.event === 'call.answered'), 'call.answered', 20_000);

    // The endpoint fails twice for this call's next events (retried with the same key).
    lrm.failNext(2, (d) => (d.body as any).callId === callId);
    const started = await post('', { callId, number: '18' });
    expect(started.status).toBe(201);
    const outId = started.body.call.id as string;
    expect((await site().dispatch({ type: 'outsideAnswered', callId: outId })).ok).toBe(true);
    expect((await post('/complete', { callId })).status).toBe(200);
    expect((await site().dispatch({ type: 'callerHungUp', callId: outId })).ok).toBe(true);
    await until(() => received(callId).some((d) => d.event === 'call.ended'), 'call.ended', 30_000);

    const mine = received(callId);
    expect(mine.map((d) => d.event)).toEqual([
      'call.arrived',
      'call.answered',
      'consultation.started',
      'consultation.answered',
      'consultation.completed',
      'call.ended',
    ]);
    const ref = callRef('44', callId);
    const outRef = callRef('44', outId);
    const body = (type: string) => mine.find((d) => d.event === type)!.body as any;
    expect(body('consultation.started')).toMatchObject({
      type: 'consultation.started',
      siteId: '44',
      callId,
      callRef: ref,
      data: {
        agentId: 'arm-2',
        outCallId: outId,
        outCallRef: outRef,
        number: '18',
        purpose: 'external-transfer',
      },
    });
    expect(body('consultation.answered').data).toEqual({
      agentId: 'arm-2',
      outCallId: outId,
      outCallRef: outRef,
    });
    expect(body('consultation.completed').data).toEqual({
      agentId: 'arm-2',
      outCallId: outId,
      outCallRef: outRef,
      mode: 'transfer',
    });
    // The outbound call's own events link back to the caller's call, as before.
    await until(() => received(outId).some((d) => d.event === 'call.ended'), 'outbound call.ended', 30_000);
    expect(received(outId)[0]!.body).toMatchObject({
      type: 'call.dialed-out',
      data: { parentCallId: callId, parentCallRef: ref, number: '18' },
    });
    // Every signature checked by the LRM; the failures were retried; nothing acted on twice although
    // two processes queued every event.
    expect(lrm.refused).toEqual([]);
    expect(lrm.failedOnPurpose).toBe(2);
    expect(mine.some((d) => d.attempt > 1)).toBe(true);
    const keys = mine.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lrm.repeats.filter((d) => (d.body as any).callId === callId)).toEqual([]);
    expect(keys).toContain(body('consultation.started').id);
    // The WebSocket feed: the same events with the same ids.
    await until(
      () => feedEvents.some((e) => e.callId === callId && e.type === 'call.ended'),
      'feed end',
      20_000,
    );
    expect(feedEvents.filter((e) => e.callId === callId).map((e) => e.id)).toEqual(keys);
    feed.disconnect();
    for (const l of links) expect(await l.webhooks.counts()).toMatchObject({ failed: 0 });
  });

  it('cancelled, then the number busy, then the caller hanging up mid-consultation: each ends with its reason', async () => {
    const callId = `cs-${Date.now().toString(36)}b`;
    await answeredCall(callId);
    const first = await post('', { callId, number: '0601020304' });
    expect(first.status).toBe(201);
    await site().dispatch({ type: 'outsideAnswered', callId: first.body.call.id });
    expect((await post('/cancel', { callId })).status).toBe(200);
    const busy = await post('', { callId, number: '115' });
    expect(busy.status).toBe(201);
    // What telephony reports for a busy number: the outbound call ends, the agent is back.
    await site().dispatch({ type: 'callerHungUp', callId: busy.body.call.id });
    const kept = await post('', { callId, number: '18' });
    expect(kept.status).toBe(201);
    const keptId = kept.body.call.id as string;
    await site().dispatch({ type: 'outsideAnswered', callId: keptId });
    await site().dispatch({ type: 'callerHungUp', callId });
    await until(() => received(callId).some((d) => d.event === 'call.ended'), 'call.ended', 30_000);
    const steps = received(callId)
      .map((d) => d.body as any)
      .filter((b) => b.type.startsWith('consultation.'))
      .map((b) => [b.type, b.data.outCallId, b.data.reason ?? null]);
    expect(steps).toEqual([
      ['consultation.started', first.body.call.id, null],
      ['consultation.answered', first.body.call.id, null],
      ['consultation.ended', first.body.call.id, 'cancelled'],
      ['consultation.started', busy.body.call.id, null],
      ['consultation.ended', busy.body.call.id, 'outside-ended'],
      ['consultation.started', keptId, null],
      ['consultation.answered', keptId, null],
      ['consultation.kept', keptId, null],
    ]);
    // The caller's call ends after the consultation was kept; the agent goes on with the number.
    expect(received(callId).at(-1)!.event).toBe('call.ended');
    expect(site().state.data.agents['arm-2']).toMatchObject({ status: 'on-call', callId: keptId });
    await site().dispatch({ type: 'callerHungUp', callId: keptId });
    await until(() => received(keptId).some((d) => d.event === 'call.ended'), 'kept call.ended', 30_000);
    expect(lrm.refused).toEqual([]);
  });
});
