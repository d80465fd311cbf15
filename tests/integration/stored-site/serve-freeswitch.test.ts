// `sas-acd serve --pbx freeswitch` as an operator runs it (the real command in its own process, on
// the shared redis-server) against sim-fs (simulated drachtio-server + FreeSWITCH, reached through
// the real drachtio-srf and drachtio-fsmrf): a call placed on the trunk is held, rung, answered by
// the ARM's phone and bridged, then ended by the ARM through the API; the caller is released, Redis
// holds one arrival and one end, and the PBX holds nothing more. Then a fail-over: the leader is
// killed (SIGKILL) with calls held and connected, and the standby process takes them over.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseServeSettings } from '../../../src/app/serve.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { freshSiteId, stopAll, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import {
  dialFs as injectCall,
  fsArmApi as armApi,
  fsLeftovers as leftovers,
  fsServeEnv as fsEnv,
} from './fixtures/sim-fs-serve.js';
import { killServes, spawnServe } from './fixtures/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sas-acd-serve-fs-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

let lab: SimFsServer | null = null;
const phones: PhoneClient[] = [];
afterEach(async () => {
  killServes();
  for (const p of phones.splice(0)) p.close();
  await lab?.close();
  lab = null;
});
afterAll(stopAll);

export function siteFiles(siteId: string): { config: string; users: string } {
  return {
    config: write(`site-${siteId}.json`, { ...exampleSite, id: siteId }),
    users: write(`users-${siteId}.json`, [
      { username: 'arm-1', roles: ['arm'], sites: [siteId], agentId: 'arm-1', password: 'dev-only-1' },
      { username: 'arm-2', roles: ['arm'], sites: [siteId], agentId: 'arm-2', password: 'dev-only-2' },
    ]),
  };
}

describe('sas-acd serve --pbx freeswitch', () => {
  it('refuses a FreeSWITCH setting that is missing or malformed, naming each', () => {
    const parsed = parseServeSettings({
      configFile: undefined,
      usersFile: undefined,
      port: 0,
      host: undefined,
      pbx: 'freeswitch',
      env: { DRACHTIO_URL: 'http://x', ESL_LISTEN: 'nowhere', SIP_AGENT_URI: 'sip:arm@pbx' },
    });
    const text = parsed.ok ? '' : parsed.errors.join('\n');
    for (const field of ['DRACHTIO_URL: expected', 'FREESWITCH_ESL: required', 'ESL_LISTEN', 'SIP_AGENT_URI'])
      expect(text).toContain(field);
    expect(text).not.toContain('ARI_URL');
    const wrong = parseServeSettings({
      configFile: undefined,
      usersFile: undefined,
      port: 0,
      host: undefined,
      pbx: 'yate',
      env: {},
    });
    expect(wrong.ok ? '' : wrong.errors.join('\n')).toContain('PBX (or --pbx): one of asterisk, freeswitch');
  });

  it('takes a call end to end: held, rung, answered and bridged, ended by the ARM, nothing left', async () => {
    lab = await startSimFs({ eslPassword: 'not-ClueCon' });
    const siteId = freshSiteId();
    const files = siteFiles(siteId);
    const serve = spawnServe(
      ['--config', files.config, '--users', files.users, '--port', '0', '--pbx', 'freeswitch'],
      fsEnv(lab),
    );
    const url = await serve.url;
    const ready = await waitFor(async () => {
      const r = await fetch(`${url}/readyz`);
      return r.status === 200 ? ((await r.json()) as { checks: Record<string, boolean> }) : null;
    }, 60_000);
    expect(ready.checks).toMatchObject({ redis: true, telephony: true, writer: true });

    const phone = await PhoneClient.register(lab.endpointsWsUrl, 'PJSIP/arm-1');
    phone.autoAnswer(50);
    phones.push(phone);
    const arm = await armApi(url, 'arm-1', 'dev-only-1', siteId);
    expect((await arm('/agent/login')).status).toBe(200);

    const call = await injectCall(lab, '0600000042');
    await waitFor(() => lab!.sim.hears(call.simId).phones.includes('PJSIP/arm-1'), 20_000);
    expect(lab.sim.hears(call.simId).music).toBeNull();
    // The answer reaches the engine once the caller is bridged (answer-on-join.ts): until then the
    // ARM's hang-up is refused (403: not its call yet; nothing changed), as from a panel not yet
    // showing the call.
    const hungUp = await waitFor(async () => {
      const r = await arm(`/calls/${call.callId}/hangup`, { disposition: 'conseil-medical' });
      return r.status === 403 || r.status === 409 ? null : r;
    }, 20_000);
    expect(hungUp.status).toBe(200);
    await waitFor(() => lab!.sim.timeline(call.simId)!.endedAtMs !== null, 10_000);
    expect(lab.sim.timeline(call.simId)!.endedBy).toBe('pbx');
    await waitFor(() => leftovers(lab!) === 0, 10_000).catch(() => {
      throw new Error(`left on the PBX: ${JSON.stringify(lab!.sim.leftovers())}`);
    });
    const events = (await readStream(siteId)).map((e) => e.event);
    const of = (type: string) =>
      events.filter((e) => e.type === type && (e as { callId?: string }).callId === call.callId);
    expect(of('CallArrived')).toHaveLength(1);
    expect(of('CallConnected')).toHaveLength(1);
    expect(of('CallEnded')).toHaveLength(1);
    serve.proc.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 120_000);

  it('fail-over: the standby process takes over the calls of a killed leader, none lost or counted twice', async () => {
    lab = await startSimFs({ eslPassword: 'not-ClueCon' });
    const siteId = freshSiteId();
    const files = siteFiles(siteId);
    const args = ['--config', files.config, '--users', files.users, '--port', '0', '--pbx', 'freeswitch'];
    const a = spawnServe(args, fsEnv(lab));
    await a.waitForLine((l) => l.msg === 'connected to the PBX');
    const b = spawnServe(args, fsEnv(lab));
    const [urlA, urlB] = await Promise.all([a.url, b.url]);
    const arm1 = await PhoneClient.register(lab.endpointsWsUrl, 'PJSIP/arm-1');
    arm1.autoAnswer(20);
    phones.push(arm1);
    expect((await (await armApi(urlA, 'arm-1', 'dev-only-1', siteId))('/agent/login')).status).toBe(200);
    const talking = await injectCall(lab, '0611111111');
    await waitFor(() => lab!.sim.hears(talking.simId).phones.includes('PJSIP/arm-1'), 20_000);
    const waiting = await injectCall(lab, '0622222222');
    const leaving = await injectCall(lab, '0633333333');
    await waitFor(() => lab!.sim.hears(waiting.simId).music && lab!.sim.hears(leaving.simId).music, 20_000);

    a.proc.kill('SIGKILL');
    await a.exited;
    // Nobody holds drachtio: a caller hangs up (481; drachtio forgets it, FreeSWITCH keeps its leg).
    await fetch(`${lab.url}/sim/calls/${leaving.simId}/hangup`, { method: 'POST' });
    const takenOver = await b.waitForLine(
      (l) => l.msg === 'PBX taken over: calls re-adopted, pending effects finished',
    );
    expect(takenOver.adoption).toMatchObject({
      callers: 2,
      legs: 1,
      gone: 1,
      arrived: 0,
      ended: 0,
      strays: 0,
    });
    expect(lab.sim.hears(talking.simId).phones).toEqual(['PJSIP/arm-1']); // never cut

    const arm2 = await PhoneClient.register(lab.endpointsWsUrl, 'PJSIP/arm-2');
    arm2.autoAnswer(20);
    phones.push(arm2);
    const api2 = await armApi(urlB, 'arm-2', 'dev-only-2', siteId);
    expect((await api2('/agent/login')).status).toBe(200);
    await waitFor(() => lab!.sim.hears(waiting.simId).phones.includes('PJSIP/arm-2'), 20_000);
    const api1 = await armApi(urlB, 'arm-1', 'dev-only-1', siteId);
    for (const [api, call] of [
      [api1, talking],
      [api2, waiting],
    ] as const) {
      expect((await api(`/calls/${call.callId}/hangup`, { disposition: 'conseil-medical' })).status).toBe(
        200,
      );
      await waitFor(() => lab!.sim.timeline(call.simId)!.endedAtMs !== null, 10_000);
      expect(lab.sim.timeline(call.simId)!.endedBy).toBe('pbx');
    }
    await waitFor(() => leftovers(lab!) === 0, 10_000).catch(() => {
      throw new Error(`left on the PBX: ${JSON.stringify(lab!.sim.leftovers())}`);
    });
    const events = (await readStream(siteId)).map((e) => e.event);
    for (const call of [talking, waiting, leaving]) {
      const of = (type: string) =>
        events.filter((e) => e.type === type && (e as { callId?: string }).callId === call.callId);
      expect(of('CallArrived'), call.callId).toHaveLength(1);
      expect(of('CallEnded'), call.callId).toHaveLength(1);
    }
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 180_000);
});
