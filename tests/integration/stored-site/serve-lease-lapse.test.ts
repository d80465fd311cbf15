// A lone `serve` process that loses its own writer lease (its event loop starved beyond the lease's
// TTL, as on a loaded machine: here the process is paused with SIGSTOP for longer than the TTL, then
// resumed). No other process takes over: it must re-acquire the lease itself and take the PBX over
// again, adopting every caller. Afterwards no call is stuck, the talking call was not cut, the
// waiting caller is still answered, every call arrives and ends once, and the PBX is clean.
import { describe, expect, it } from 'vitest';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { spawnServe } from './fixtures/serve-process.js';
import { fleetEnv, jsonWriter, login, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';

const write = jsonWriter('sas-acd-serve-lease-lapse-');
const pbx = simPbxPerTest();
const TAKEN_OVER = 'PBX taken over: calls re-adopted, pending effects finished';

describe('serve alone: its own lease lapses under load', () => {
  it('re-elects itself and re-adopts every caller; none lost, cut, doubled or left', async () => {
    const sim = await pbx.start();
    const site = freshSiteId();
    const config = write(`site-${site}.json`, siteConfig(site));
    const users = write(`users-${site}.json`, [
      { username: 'arm-1', roles: ['arm'], sites: [site], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const env = { ...fleetEnv(sim, 'unused', 'a'), ARI_APP: `sasacd-${site}` };
    const a = spawnServe(['--config', config, '--users', users, '--port', '0'], env);
    await a.waitForLine((l) => l.msg === TAKEN_OVER, 60_000);
    const url = await a.url;
    const redis = connect();
    const epoch = async () => Number(await redis.get(`sas:{${site}}:epoch`));

    await pbx.phone(`PJSIP/${site}-arm-1`);
    expect(await (await login(url, 'arm-1', site))('/agent/login')).toBe(200);
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    const talking = await placeCall(sim, site, '0611111111');
    await waitFor(() => timeline(talking).answeredBy === `PJSIP/${site}-arm-1`, 20_000);
    const waiting = await placeCall(sim, site, '0622222222');
    await waitFor(() => timeline(waiting).answeredByPbxAtMs, 20_000);
    const calls = [talking, waiting];
    const epochBefore = await epoch();

    // Starved beyond the TTL (3 s): the lease expires in Redis; a caller arrives meanwhile.
    a.proc.kill('SIGSTOP');
    await waitFor(async () => (await redis.exists(`sas:{${site}}:lease`)) === 0, 20_000);
    calls.push(await placeCall(sim, site, '0633333333'));
    const resumedAt = Date.now();
    a.proc.kill('SIGCONT');
    await a.waitForLine((l) => l.msg === TAKEN_OVER && (l.time as number) >= resumedAt, 60_000);
    expect(await epoch(), 'the lease was re-acquired (a new tenure)').toBeGreaterThan(epochBefore);
    calls.push(await placeCall(sim, site, '0644444444'));
    expect(timeline(talking).endedAtMs, 'the talking call is not cut').toBeNull();

    const arm = await login(url, 'arm-1', site);
    expect(await arm(`/calls/${talking.channelId}/hangup`, { disposition: 'conseil-medical' })).toBe(200);
    await waitFor(() => timeline(waiting).answeredBy === `PJSIP/${site}-arm-1`, 20_000);
    for (const call of calls) {
      if (timeline(call).endedAtMs === null)
        await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
      await waitFor(() => timeline(call).endedAtMs !== null, 10_000);
    }
    const routed = calls.filter((c) => timeline(c).route !== 'fallback').map((c) => c.channelId);
    const events = async () =>
      (await readStream(site)).map((e) => e.event as { type: string; callId?: string });
    await waitFor(async () => {
      const all = await events();
      return routed.every((id) => all.some((e) => e.type === 'CallEnded' && e.callId === id));
    }, 20_000);
    const all = await events();
    for (const id of routed) {
      for (const type of ['CallArrived', 'CallEnded'])
        expect(
          all.filter((e) => e.type === type && e.callId === id),
          `${id} ${type}`,
        ).toHaveLength(1);
      expect(all.filter((e) => e.type === 'CallConnected' && e.callId === id).length).toBeLessThanOrEqual(1);
    }
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });
    a.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 180_000);

  it('lapsing while its PBX link is still connecting: the next tenure connects and takes the calls', async () => {
    const sim = await pbx.start();
    const faults = (body: object) =>
      fetch(`${sim.url}/sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The event WebSocket's upgrade is never answered: the leader's link stays "connecting".
    expect((await faults({ stallAriWebSockets: 1000 })).status).toBeLessThan(300);
    const site = freshSiteId();
    const config = write(`site-${site}.json`, siteConfig(site));
    const users = write(`users-${site}.json`, [
      { username: 'arm-1', roles: ['arm'], sites: [site], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const env = { ...fleetEnv(sim, 'unused', 'a'), ARI_APP: `sasacd-${site}` };
    const a = spawnServe(['--config', config, '--users', users, '--port', '0'], env);
    const url = await a.url;
    await waitFor(() => sim.bus.wsStalls.held >= 1, 30_000);
    const redis = connect();
    a.proc.kill('SIGSTOP');
    await waitFor(async () => (await redis.exists(`sas:{${site}}:lease`)) === 0, 20_000);
    const resumedAt = Date.now();
    a.proc.kill('SIGCONT');
    await a.waitForLine(
      (l) => l.msg === 'lease lost: stopped writing, back to standby' && (l.time as number) >= resumedAt,
      30_000,
    );
    expect((await faults({ stallAriWebSockets: 0 })).status).toBeLessThan(300);
    await a.waitForLine((l) => l.msg === TAKEN_OVER && (l.time as number) >= resumedAt, 60_000);

    await pbx.phone(`PJSIP/${site}-arm-1`);
    expect(await (await login(url, 'arm-1', site))('/agent/login')).toBe(200);
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    const call = await placeCall(sim, site, '0655555555');
    await waitFor(() => timeline(call).answeredBy === `PJSIP/${site}-arm-1`, 20_000);
    expect(timeline(call).route).not.toBe('fallback');
    const arm = await login(url, 'arm-1', site);
    expect(await arm(`/calls/${call.channelId}/hangup`, { disposition: 'conseil-medical' })).toBe(200);
    await waitFor(() => timeline(call).endedAtMs !== null, 20_000);
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });
    // One client holds the application: the abandoned tenure's attempts never opened.
    await waitFor(() => sim.bus.wsStalls.closedByClient === sim.bus.wsStalls.held, 20_000);
    a.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 180_000);
});
