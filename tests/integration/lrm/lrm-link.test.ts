/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// The LRM link end to end, with a real redis-server (BullMQ), the real API and the example LRM
// (simulator/lrm): a call arrives, the LRM receives it signed, links its file and qualifies P1
// through its API; the agent's panel shows it at once; the call moves to N2 AMU; the LRM's endpoint
// fails (twice before acting, once after acting: a lost reply) and still receives every event
// once, in order per call; the Hub Santé endpoint receives the RC-EDA case creation.
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callRef } from '../../../src/lrm/call-ref.js';
import { createLogger } from '../../../src/ports/logger.js';
import { LrmLink } from '../../../src/lrm/lrm-link.js';
import { startExampleLrm, type ExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { next, startHarness, until, type Harness } from '../api/harness.js';

const SECRET = 'lrm-shared-secret-for-tests';
let h: Harness;
let lrm: ExampleLrm;
let hub: ExampleLrm;
let link: LrmLink;

beforeAll(async () => {
  let registry: Registry | undefined;
  h = await startHarness({ extraMetrics: [(r) => (registry = r)] });
  lrm = await startExampleLrm({ secret: SECRET });
  hub = await startExampleLrm({ secret: `${SECRET}-hub` });
  link = new LrmLink({
    site: h.sites.get('44')!,
    redis: inject('redisUrl'),
    logger: createLogger({ level: 'silent' }),
    webhook: { url: lrm.url, secret: SECRET },
    hub: {
      url: hub.url,
      secret: `${SECRET}-hub`,
      organization: 'fr.health.samu440',
      controlRoom: 'SAS 44',
      recipient: 'fr.health.samu440.lrm',
      status: 'Exercise',
    },
    tuning: { backoffMs: 50, attempts: 6 },
  });
  link.registerMetrics(registry!);
});
afterAll(async () => {
  await link?.close();
  await lrm?.close();
  await hub?.close();
  await h?.stop();
});

const site = () => h.runtimes.get('44')!;
const received = (callId: string) => lrm.received.filter((d) => (d.body as any).callId === callId);

describe('LRM link', () => {
  it('one entry: the LRM links and qualifies, the panel shows it, every event once and in order despite failures', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm1' });
    await h.call('POST', '/sites/44/agent/login', { as: 'arm5' });
    const panel = h.socket('/agent', await h.token('arm1'));
    await next(panel, 'snapshot');
    const feed = h.socket('/lrm', await h.token('lrm44'));
    const feedEvents: any[] = [];
    feed.on('event', (e) => feedEvents.push(e));
    await next(feed, 'calls');

    const callId = `lrm-${randomBytes(4).toString('hex')}`;
    const ref = callRef('44', callId);
    expect(
      (await site().dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: '0612345678' })).ok,
    ).toBe(true);
    // The LRM hears of the call (signed, verified by the example LRM) with its public reference.
    const arrived = await until(
      () => received(callId).find((d) => d.event === 'call.arrived'),
      'call.arrived',
      10_000,
    );
    expect(arrived.body).toMatchObject({
      type: 'call.arrived',
      callRef: ref,
      data: { line: '15', callerNumber: '0612345678', department: '44', originSite: '44' },
    });
    expect(lrm.refused).toEqual([]);
    if (site().state.data.calls[callId]!.pending?.offer)
      expect((await h.call('POST', `/sites/44/calls/${callId}/answer`, { as: 'arm1' })).status).toBe(200);

    // The LRM creates its file and links it, then qualifies P1 with the two DRM fields.
    const linked = await h.call('POST', `/sites/44/lrm/calls/${ref}/file`, {
      as: 'lrm44',
      body: { fileId: 'DRM-44-000123' },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.call.drm).toMatchObject({ id: 'DRM-44-000123' });
    const shown = next(panel, 'update', (d: any) => d.call?.qualification === 'P1');
    const q = await h.call('POST', `/sites/44/lrm/calls/${ref}/qualify`, {
      as: 'lrm44',
      body: { qualification: 'P1', name: 'Jeanne Dupont', phone: '06 12 34 56 78' },
    });
    expect(q.status).toBe(200);
    // The panel shows it at once, with the LRM's file id.
    expect((await shown).call.drm).toEqual({
      id: 'DRM-44-000123',
      name: 'Jeanne Dupont',
      phone: '06 12 34 56 78',
    });

    // The LRM's endpoint fails twice before acting, then once after acting (its reply is lost).
    await until(() => received(callId).some((d) => d.event === 'call.qualified'), 'call.qualified', 10_000);
    lrm.failNext(2, (d) => (d.body as any).callId === callId);
    const t = await h.call('POST', `/sites/44/calls/${callId}/transfer`, { as: 'arm1', body: {} });
    expect(t.status).toBe(200);
    await until(() => lrm.failedOnPurpose >= 2, 'two failures', 10_000);
    lrm.failNext(1, (d) => (d.body as any).callId === callId, true);
    // N2 AMU answers (arm-5 serves it in the example site), then the caller hangs up.
    const n2 = await until(() => {
      const c = site().state.data.calls[callId]!;
      return c.parties.length > 0 || c.pending?.offer ? c : undefined;
    }, 'N2 AMU offer');
    if (n2.pending?.offer)
      expect(
        (await site().dispatch({ type: 'answerOffer', callId, agentId: n2.pending.offer.agentId })).ok,
      ).toBe(true);
    expect(site().state.data.calls[callId]!.parties[0]).toMatchObject({ queueId: 'n2-amu' });
    expect((await site().dispatch({ type: 'callerHungUp', callId })).ok).toBe(true);
    await until(() => received(callId).some((d) => d.event === 'call.ended'), 'call.ended', 15_000);

    const types = received(callId).map((d) => d.event);
    expect(types[0]).toBe('call.arrived');
    expect(types.at(-1)).toBe('call.ended');
    expect(types.indexOf('file.linked')).toBeLessThan(types.indexOf('call.qualified'));
    expect(types.indexOf('call.qualified')).toBeLessThan(types.indexOf('call.transferred'));
    // Every event once: the same events, in the same order, as the engine recorded them.
    const keys = received(callId).map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lrm.failedOnPurpose).toBe(3);
    // The lost reply was retried and recognised by its idempotency key, not acted on twice.
    expect(lrm.repeats.filter((d) => (d.body as any).callId === callId)).toHaveLength(1);
    // Retries happened (attempt numbers above 1) and were signed afresh.
    expect(received(callId).some((d) => d.attempt > 1)).toBe(true);
    expect(lrm.refused).toEqual([]);
    // The qualification is recorded with its source.
    expect(received(callId).find((d) => d.event === 'call.qualified')!.body).toMatchObject({
      data: { qualification: 'P1', fileId: 'DRM-44-000123', source: 'lrm', agentId: 'arm-1' },
    });
    // The WebSocket feed saw the same events, in the same order, with the same ids.
    await until(() => feedEvents.some((e) => e.callId === callId && e.type === 'call.ended'), 'feed end');
    expect(feedEvents.filter((e) => e.callId === callId).map((e) => e.id)).toEqual(keys);

    // Hub Santé: the case creation in the national model, signed with its own secret.
    const rc = await until(() => hub.received.find((d) => d.key.includes(callId)), 'RC-EDA', 10_000);
    expect(rc.body).toMatchObject({
      distributionKind: 'Report',
      distributionStatus: 'Exercise',
      content: [{ jsonContent: { embeddedJsonContent: { message: { createCase: { senderCaseId: ref } } } } }],
    });
    expect(await link.webhooks.counts()).toMatchObject({ failed: 0 });
    // On /metrics: deliveries by target, none given up, the delivery lag, the queue by state.
    // The receiver has the last event a moment before the worker counts its delivery: wait for it.
    let metrics = '';
    const deliveredNow = async () => {
      metrics = (await h.call('GET', '/metrics')).body as string;
      return Number(
        /sas_acd_lrm_webhook_deliveries_total\{site="44",target="lrm",result="delivered"\} (\d+)/.exec(
          metrics,
        )?.[1] ?? 0,
      );
    };
    for (const start = Date.now(); (await deliveredNow()) < keys.length;) {
      if (Date.now() - start > 10_000) throw new Error(`deliveries not counted: ${metrics}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(metrics).not.toContain('result="given-up"');
    expect(metrics).toMatch(/sas_acd_lrm_webhook_lag_seconds_count\{site="44",target="hub"\} [1-9]/);
    expect(metrics).toContain('sas_acd_lrm_webhook_jobs{site="44",state="failed"} 0');
  });

  it('the LRM API: its own role and scope, references or ids, clear refusals that change nothing', async () => {
    await h.call('POST', '/sites/44/agent/ready', { as: 'arm1' }); // out of wrap-up
    const callId = `lrm-${randomBytes(4).toString('hex')}`;
    await site().dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: '0600000000' });
    const ref = callRef('44', callId);
    const list = await h.call('GET', '/sites/44/lrm/calls', { as: 'lrm44' });
    expect(list.status).toBe(200);
    expect(list.body.map((c: any) => c.callRef)).toContain(ref);
    expect((await h.call('GET', `/sites/44/lrm/calls/${callId}`, { as: 'lrm44' })).body.callRef).toBe(ref);
    // An agent's or supervisor's token is not the LRM's; the LRM is not an agent either.
    expect((await h.call('GET', '/sites/44/lrm/calls', { as: 'sup44' })).status).toBe(403);
    expect((await h.call('GET', '/sites/44/agent', { as: 'lrm44' })).status).toBe(403);
    expect((await h.call('GET', '/sites/85/lrm/calls', { as: 'lrm44' })).status).toBe(403);
    // The /lrm feed is the LRM's only: an agent's token is refused at the handshake.
    const intruder = h.socket('/lrm', await h.token('arm1'));
    const refused = await new Promise<any>((resolve) => intruder.once('connect_error', resolve));
    expect(refused.data).toMatchObject({ status: 403, reason: 'role-forbidden' });
    const before = JSON.stringify(site().state.data.calls[callId]);
    const bad = await h.call('POST', `/sites/44/lrm/calls/${ref}/file`, {
      as: 'lrm44',
      body: { fileId: 'a b' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.fileId');
    const unknown = await h.call('POST', `/sites/44/lrm/calls/SAS44-AAAA-AAAA-AAAA-AAAA/file`, {
      as: 'lrm44',
      body: { fileId: 'X-1' },
    });
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(site().state.data.calls[callId])).toBe(before);
    // Panel side: the agent links the file it created itself (source panel).
    const offer = await until(() => site().state.data.calls[callId]!.pending?.offer, 'offer');
    expect((await site().dispatch({ type: 'answerOffer', callId, agentId: offer.agentId })).ok).toBe(true);
    const agentId = site().state.data.calls[callId]!.parties[0]!.agentId;
    const r = await h.call('POST', `/sites/44/lrm/calls/${ref}/end`, {
      as: 'lrm44',
      body: { agentId: 'nobody' },
    });
    expect(r.status).toBe(409);
    expect(r.body.reason).toBe('agent-not-on-call');
    const linked = await h.call('POST', `/sites/44/calls/${callId}/file`, {
      as: agentId === 'arm-1' ? 'arm1' : 'arm5',
      body: { fileId: 'PANEL-7' },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.events).toEqual([expect.objectContaining({ type: 'FileLinked' })]);
    expect(site().state.data.calls[callId]!.drm!.id).toBe('PANEL-7');
    const end = await h.call('POST', `/sites/44/lrm/calls/${ref}/end`, {
      as: 'lrm44',
      body: { disposition: site().state.data.config.dispositions[0] },
    });
    expect(end.status).toBe(200);
    expect(end.body.call).toBeNull();
    expect(end.body.events.map((e: any) => e.type)).toContain('CallEnded');
    await until(
      () => lrm.received.find((d) => (d.body as any).callId === callId && d.event === 'call.ended'),
      'call.ended',
      10_000,
    );
    const linkedEvent = lrm.received.find(
      (d) => (d.body as any).callId === callId && d.event === 'file.linked',
    );
    expect(linkedEvent!.body).toMatchObject({ data: { fileId: 'PANEL-7', source: 'panel', agentId } });
  });
});
