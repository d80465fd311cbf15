// `sas-acd serve` (the CLI, in its own process) after an ARI outage longer than ari-client's own
// reconnection: ari-client gives up (WebSocketMaxRetries; made short here with ARI_WS_RETRIES), the
// leader connects a new client with its backoff (PBX_RETRY_MS … PBX_RETRY_MAX_MS) until sim-pbx
// answers again, then takes the calls over. With a call talking and one waiting when the link is
// cut, and the waiting caller hanging up during the outage: the talking call is adopted (not cut),
// the gone one ended once, a new call flows, every call arrives, is answered and ends once, the
// Stasis application is held by one WebSocket (the old client never comes back) and the PBX is clean.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { freshSiteId, redisUrl, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { spawnServe } from './fixtures/serve-process.js';
import { simPbxPerTest } from './fixtures/serve-sites.js';

const pbx = simPbxPerTest();

describe('serve after ari-client gave up reconnecting', () => {
  it('connects a new client once the PBX is back and takes the calls over: none lost, doubled or left', async () => {
    const sim = await pbx.start();
    // Every WebSocket the Stasis application gets (the first client, then the new one).
    const attaches: string[][] = [];
    const attach = sim.bus.attach.bind(sim.bus);
    sim.bus.attach = (apps, ws, timestamp, asteriskId) => {
      attaches.push(apps);
      attach(apps, ws, timestamp, asteriskId);
    };
    const siteId = freshSiteId();
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-ari-relink-'));
    writeFileSync(join(dir, 'site.json'), JSON.stringify({ ...exampleSite, id: siteId }));
    writeFileSync(
      join(dir, 'users.json'),
      JSON.stringify([
        { username: 'arm-1', roles: ['arm'], sites: [siteId], agentId: 'arm-1', password: 'dev-only' },
      ]),
    );
    const serve = spawnServe(
      ['--config', join(dir, 'site.json'), '--users', join(dir, 'users.json'), '--port', '0'],
      {
        REDIS_URL: redisUrl(),
        ARI_URL: sim.ariUrl,
        ARI_USER: sim.user,
        ARI_PASSWORD: sim.password,
        ARI_APP: sim.app,
        JWT_SECRET: 'x'.repeat(40),
        RECONCILE_EVERY_MS: '0',
        // ari-client gives up after 3 tries (100 + 200 + 400 ms) instead of 10 (about 43 s).
        ARI_WS_RETRIES: '3',
        PBX_RETRY_MS: '200',
        PBX_RETRY_MAX_MS: '800',
        // A connection attempt reset during the outage is given up after 10 s (src/telephony/ari/rest-timeout.ts).
        ARI_REST_TIMEOUT_MS: '1000',
      },
    );
    const url = await serve.url;
    const takenOver = (after: number) =>
      serve.waitForLine(
        (l) =>
          l.msg === 'PBX taken over: calls re-adopted, pending effects finished' &&
          (l.time as number) >= after,
        30_000,
      );
    await takenOver(0);

    await pbx.phone('PJSIP/arm-1');
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'arm-1', password: 'dev-only' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const arm = async (path: string, body: unknown = {}) =>
      (
        await fetch(`${url}/api/v1/sites/${siteId}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
          body: JSON.stringify(body),
        })
      ).status;
    expect(await arm('/agent/login')).toBe(200);
    const place = async (callerNumber: string) => {
      const r = await fetch(`${sim.url}/sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ line: '15', callerNumber }),
      });
      expect(r.status).toBe(201);
      return (await r.json()) as { callId: string; channelId: string };
    };
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    const talking = await place('0611111111');
    await waitFor(() => timeline(talking).answeredBy === 'PJSIP/arm-1', 20_000);
    const waiting = await place('0622222222');
    await waitFor(() => timeline(waiting).answeredByPbxAtMs, 20_000);

    // The link is cut for 4 s, far longer than ari-client's reconnection (about 0.7 s here).
    const cutAt = Date.now();
    const cut = await fetch(`${sim.url}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ariOutageMs: 4000 }),
    });
    expect(cut.status).toBe(200);
    await serve.waitForLine((l) => l.msg === 'PBX link lost for good: connecting a new client', 20_000);
    // The waiting caller hangs up while nobody hears the PBX: its end is found at the take-over.
    await fetch(`${sim.url}/sim/calls/${waiting.callId}/hangup`, { method: 'POST' });
    const taken = await takenOver(cutAt);
    const backMs = Date.now() - cutAt;
    expect(taken.adoption).toMatchObject({ callers: 1, legs: 1, gone: 1, arrived: 0, ended: 0, strays: 0 });
    expect(timeline(talking).endedAtMs, 'the talking call is not cut').toBeNull();
    expect(sim.bus.isActive(sim.app)).toBe(true);

    // Calls flow again: a new caller waits while the ARM talks, then gets the ARM.
    const after = await place('0633333333');
    await waitFor(() => timeline(after).answeredByPbxAtMs, 20_000);
    expect(await arm(`/calls/${talking.channelId}/hangup`, { disposition: 'conseil-medical' })).toBe(200);
    await waitFor(() => timeline(talking).endedAtMs !== null, 10_000);
    await waitFor(() => timeline(after).answeredBy === 'PJSIP/arm-1', 20_000);
    // Answered for the ACD once the caller shares the ARM's bridge (a hang-up before is an abandon).
    const connected = async (id: string) =>
      (await readStream(siteId)).some((e) => {
        const ev = e.event as { type: string; callId?: string };
        return ev.type === 'CallConnected' && ev.callId === id;
      });
    await waitFor(() => connected(after.channelId), 20_000);
    await fetch(`${sim.url}/sim/calls/${after.callId}/hangup`, { method: 'POST' });
    await waitFor(() => timeline(after).endedAtMs !== null, 10_000);

    const ids = [talking, waiting, after].map((c) => c.channelId);
    const events = async () =>
      (await readStream(siteId)).map((e) => e.event as { type: string; callId?: string });
    await waitFor(async () => {
      const all = await events();
      return ids.every((id) => all.some((e) => e.type === 'CallEnded' && e.callId === id));
    }, 15_000);
    const all = await events();
    for (const id of ids)
      for (const type of ['CallArrived', 'CallEnded'])
        expect(
          all.filter((e) => e.type === type && e.callId === id),
          `${id} ${type}`,
        ).toHaveLength(1);
    for (const id of [talking.channelId, after.channelId])
      expect(
        all.filter((e) => e.type === 'CallConnected' && e.callId === id),
        `${id} answered once`,
      ).toHaveLength(1);
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });
    // One WebSocket before the cut, one from the new client: the client that gave up stayed away.
    expect(attaches).toEqual([[sim.app], [sim.app]]);
    expect(serve.lines.filter((l) => l.msg === 'connected to the PBX')).toHaveLength(2);
    console.log(
      `ARI cut for 4 s (ari-client gives up after ~0.7 s): calls taken over again ${backMs} ms after the cut`,
    );
    serve.proc.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 120_000);
});
