/* eslint-disable @typescript-eslint/no-explicit-any -- JSON read loosely in tests */
// Metrics, health and readiness, the OpenAPI document and its page, and the logs: a whole call
// with a caller name and number, qualified with a DRM name and phone, leaves none of them in the
// captured log lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let telephonyUp = true;
let standby = false;
beforeAll(async () => {
  h = await startHarness({
    telephonyConnected: () => telephonyUp,
    redisRoundTripMs: async () => 0.4,
    readiness: { telephony: () => telephonyUp, redis: async () => true },
    standby: () => standby,
  });
});
afterAll(() => h.stop());

describe('metrics and health', () => {
  it('exposes the room in Prometheus format', async () => {
    h.runtimes.get('44')!.dispatch({ type: 'arriveCall', callId: 'm1', line: '15' });
    const res = await fetch(h.url + '/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('sas_acd_calls_waiting{site="44",queue="n1"} 1');
    expect(text).toMatch(/sas_acd_oldest_wait_seconds\{site="44",queue="n1"\} \d/);
    expect(text).toContain('sas_acd_agents{site="44",status="logged-out"} 10');
    expect(text).toContain('sas_acd_telephony_connected 1');
    expect(text).toContain('sas_acd_redis_round_trip_seconds 0.0004');
    expect(text).toContain('# TYPE sas_acd_decision_latency_seconds histogram');
    expect(text).toContain('# TYPE sas_acd_qs30_ratio gauge');
    // Minimum presence (annex 1 II.b defaults): nobody at N1 yet, the N1 rule's alarm is up.
    expect(text).toContain('sas_acd_presence_agents{site="44",rule="n1",role="arm"} 0');
    expect(text).toContain('sas_acd_presence_minimum{site="44",rule="n1",role="arm"} 1');
    expect(text).toContain('sas_acd_presence_alarm{site="44",rule="n1",role="arm"} 1');
    expect(text).toContain('sas_acd_presence_alarm{site="44",rule="n2-amu-arm",role="arm"} 1');
    await h.call('POST', '/sites/44/agent/login', { as: 'arm1' });
    await h.call('POST', '/sites/44/calls/m1/answer', { as: 'arm1' });
    const after = await (await fetch(h.url + '/metrics')).text();
    expect(after).toContain('sas_acd_qs30_ratio{site="44",window="15m"} 1');
    expect(after).toMatch(/sas_acd_decision_latency_seconds_count\{command="answerOffer"\} 1/);
    expect(after).toContain('sas_acd_calls_waiting{site="44",queue="n1"} 0');
    expect(after).toContain('sas_acd_presence_agents{site="44",rule="n1",role="arm"} 1');
    expect(after).toContain('sas_acd_presence_alarm{site="44",rule="n1",role="arm"} 0');
  });

  it('/metrics answers its bearer token only, or loopback only when no token is set', async () => {
    const proxied = await fetch(h.url + '/metrics', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as any).reason).toBe('metrics-loopback-only');
    const guarded = await startHarness({ metricsToken: 'scrape-me-please-0123456789' });
    try {
      const none = await fetch(guarded.url + '/metrics');
      expect(none.status).toBe(401);
      expect(((await none.json()) as any).detail).toMatch(/METRICS_TOKEN/);
      const wrong = await fetch(guarded.url + '/metrics', { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const right = await fetch(guarded.url + '/metrics', {
        headers: { authorization: 'Bearer scrape-me-please-0123456789' },
      });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('sas_acd_calls_waiting');
    } finally {
      await guarded.stop();
    }
  });

  it('/healthz is up; /readyz follows the readiness checks', async () => {
    expect((await h.call('GET', '/healthz')).body.status).toBe('ok');
    const ready = await h.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { telephony: true, redis: true } });
    telephonyUp = false;
    const down = await h.call('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.body.checks.telephony).toBe(false);
    expect(await (await fetch(h.url + '/metrics')).text()).toContain('sas_acd_telephony_connected 0');
    telephonyUp = true;
    // A healthy standby (no lease, no PBX link): alive, not ready, and says why.
    standby = true;
    expect((await h.call('GET', '/healthz')).status).toBe(200);
    const idle = await h.call('GET', '/readyz');
    expect(idle.status).toBe(503);
    expect(idle.body).toEqual({ status: 'standby', checks: { telephony: true, redis: true } });
    expect((await h.call('GET', '/readyz?standby=ready')).status).toBe(200);
    expect((await h.call('GET', '/readyz?standby=1')).status).toBe(400);
    // A failing check comes first: a standby whose check fails is not-ready, not standby.
    telephonyUp = false;
    expect((await h.call('GET', '/readyz?standby=ready')).body.status).toBe('not-ready');
    telephonyUp = true;
    standby = false;
  });
});

describe('indicators', () => {
  it('live values and the annex 3 figures by day, SAS and PDSA hours apart', async () => {
    const live = await h.call('GET', '/sites/44/indicators/live', { as: 'sup44' });
    expect(live.status).toBe(200);
    expect(live.body.values['live.waiting']).toHaveProperty('n1');
    expect(live.body.values['live.qs30Last15min']).toBe(1);
    const day = await h.call('GET', '/sites/44/indicators?granularity=day', { as: 'sup44' });
    expect(day.status).toBe(200);
    expect(day.body.spans).toEqual([expect.objectContaining({ label: '2026-03-02' })]);
    expect(day.body.spans[0].sas['calls.answered']).toBeGreaterThanOrEqual(1);
    expect(day.body.spans[0].all['calls.qs30']).toBe(1);
    expect(day.body.spans[0].pdsa['calls.arrived']).toBe(0);
    const bad = await h.call('GET', '/sites/44/indicators?granularity=week', { as: 'sup44' });
    expect(bad.body.errors[0].field).toBe('query.granularity');
  });

  it('counts only the intervals asked for (since / until), and refuses a bad span with a 400', async () => {
    const q = (s: string) => h.call('GET', `/sites/44/indicators?granularity=interval${s}`, { as: 'sup44' });
    const all = (await q('')).body.spans as { label: string }[];
    expect(all.length).toBeGreaterThan(0);
    const first = Date.parse(all[0]!.label);
    expect((await q(`&since=${first}`)).body.spans).toEqual(all);
    expect((await q(`&until=${first}`)).body.spans).toEqual([]);
    expect((await q(`&since=${first + 15 * 60_000 * all.length}`)).body.spans).toEqual([]);
    for (const bad of ['&since=yesterday', '&since=-5', '&until=1e12', `&since=${first}&until=${first}`]) {
      const r = await q(bad);
      expect(r.status, bad).toBe(400);
      expect(r.body.errors[0].field, bad).toMatch(/^query\.(since|until)$/);
    }
  });
});

describe('OpenAPI', () => {
  it('documents every route with its schemas, roles and problems, and serves a page', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((p) =>
      Object.values(p),
    );
    expect(ops).toHaveLength(h.api.routes.length);
    const qualify = doc.paths['/api/v1/sites/{siteId}/calls/{callId}/qualify'].post;
    expect(qualify.requestBody.content['application/json'].schema.properties.qualification.enum).toEqual([
      'P0',
      'P1',
      'P2',
      'DR',
    ]);
    expect(qualify.responses['403'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/Problem',
    );
    expect(qualify.parameters.map((p: any) => p.name)).toEqual(['siteId', 'callId']);
    expect(doc.paths['/api/v1/sites/{siteId}/config'].put['x-roles']).toEqual(['admin']);
    expect(Object.keys(doc.components.schemas)).toEqual(['Problem', 'SupervisorSnapshot', 'SupervisorDelta']);
    const page = await fetch(h.url + '/api/v1/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain("fetch('openapi.json')");
  });
});

describe('logs', () => {
  it('carry no caller name or number, even through a full call and refused requests', async () => {
    const rt = h.runtimes.get('44')!;
    await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    rt.dispatch({
      type: 'arriveCall',
      callId: 'pii-1',
      line: '15',
      callerNumber: '0655443322',
      callerName: 'Albertine Sarrazin',
    });
    const agent = rt.state.data.calls['pii-1']!.pending!.offer!.agentId;
    const as = agent === 'arm-1' ? 'arm1' : 'arm2';
    await h.call('POST', '/sites/44/calls/pii-1/answer', { as });
    // Refused requests carrying personal data (bad phone; not my call) are logged without it.
    await h.call('POST', '/sites/44/calls/pii-1/qualify', {
      as,
      body: { qualification: 'P1', name: 'Albertine Sarrazin', phone: 'tel 0655443322' },
    });
    await h.call('POST', '/sites/44/calls/pii-1/qualify', {
      as: 'arm5',
      body: { qualification: 'P1', name: 'Albertine Sarrazin' },
    });
    await h.call('POST', '/sites/44/calls/pii-1/qualify', {
      as,
      body: { qualification: 'DR', name: 'Albertine Sarrazin', phone: '0655443322' },
    });
    await h.call('GET', '/sites/44/calls/pii-1', { as: 'sup44' });
    await h.call('POST', '/sites/44/calls/pii-1/hangup', { as, body: { disposition: 'autre' } });
    await h.call('POST', '/auth/login', { body: { username: 'Albertine Sarrazin', password: '0655443322' } });
    const lines = h.logs.join('');
    expect(h.logs.length).toBeGreaterThan(10);
    expect(lines).toContain('"path":"/api/v1/sites/44/calls/pii-1/qualify"');
    for (const secret of ['0655443322', '06 55 44 33 22', 'Albertine', 'Sarrazin'])
      expect(lines).not.toContain(secret);
  });
});
