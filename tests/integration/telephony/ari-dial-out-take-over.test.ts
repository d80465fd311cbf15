// Outside calls at a take-over (issue 19), through the real ari-client against sim-pbx: the new
// leader re-adopts an outbound call from the engine's plan. A far end that answered while the old
// leader died before bridging it is put back with the agent; a far end that hung up while nobody
// held the PBX ends the outbound call (the agent is free again, nothing left on the PBX).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import type { SiteShell } from '../../../src/shell/site-shell.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { ariAdapter, startAriSite, until } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

let sim: SimPbx;
let adapter: AriAdapter;
let site: SiteShell;
let events: Event[];
/** While no process holds the PBX (take-over), effects have nowhere to go. */
let pbxDown = false;
const phones: PhoneClient[] = [];

function newAdapter(): AriAdapter {
  // The outside world: a number is a phone registered as ext-<number> on sim-pbx.
  return ariAdapter(sim, { outboundEndpoint: (n) => `PJSIP/ext-${n}` });
}

beforeEach(async () => {
  pbxDown = false;
  sim = await startSimPbx({ port: 0 });
  adapter = newAdapter();
  ({ site, events } = await startAriSite(adapter, {
    effects: (f) => (pbxDown ? Promise.resolve() : adapter.execute(f)),
  }));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await adapter.stop();
  await site.stop();
  await sim.close();
});

async function phone(endpoint: string): Promise<PhoneClient> {
  const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${endpoint}`);
  p.autoAnswer(0);
  phones.push(p);
  return p;
}

const ari = (path: string, method = 'GET') =>
  fetch(`${sim.ariUrl}/ari/${path}${path.includes('?') ? '&' : '?'}api_key=${sim.user}:${sim.password}`, {
    method,
  });

async function bridge(name: string): Promise<{ id: string; channels: string[] } | undefined> {
  const bridges = (await (await ari('bridges')).json()) as { id: string; name: string; channels: string[] }[];
  return bridges.find((b) => b.name === name);
}

/** A click-to-dial from arm-1, bridged with the far end. */
async function clickToDial(callId: string, number: string): Promise<PhoneClient> {
  await phone('arm-1');
  const far = await phone(`ext-${number}`);
  await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
  const r = await site.dispatch({
    type: 'dialOut',
    callId,
    agentId: 'arm-1',
    number,
    purpose: 'click-to-dial',
  });
  expect(r.ok).toBe(true);
  await until(
    async () => (await bridge(`call-${callId}`))?.channels.length === 2,
    'agent and far end bridged',
  );
  return far;
}

/** The old leader dies; a new one connects and re-adopts from the engine's plan. */
async function takeOver() {
  await adapter.stop();
  pbxDown = true;
  return async () => {
    adapter = newAdapter();
    await adapter.start((cmd: Command, at: number) => void site.dispatch(cmd, at));
    pbxDown = false;
    return adapter.adopt(telephonyPlan(site.state, Date.now()));
  };
}

describe('outside calls at a take-over (ARI, sim-pbx)', () => {
  it('puts back with the agent a far end that answered but was never bridged by the old leader', async () => {
    await clickToDial('out-1', '0601020304');
    const adopt = await takeOver();
    // The old leader's bridge of the far end never happened: it sits in Stasis, heard by nobody.
    const b = (await bridge('call-out-1'))!;
    expect((await ari(`bridges/${b.id}/removeChannel?channel=out-1`, 'POST')).status).toBe(204);
    await until(async () => (await bridge('call-out-1'))?.channels.length === 1, 'far end out of the bridge');

    const report = await adopt();
    expect(report).toMatchObject({ rejoined: 1, gone: 0, strays: 0, arrived: 0 });
    await until(
      async () => (await bridge('call-out-1'))?.channels.includes('out-1'),
      'far end bridged again',
    );
    expect(site.state.data.agents['arm-1']).toMatchObject({ status: 'on-call', callId: 'out-1' });

    expect((await site.dispatch({ type: 'hangUp', callId: 'out-1', agentId: 'arm-1' })).ok).toBe(true);
    expect(events.filter((e) => e.type === 'OutboundCallPlaced')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'CallConnected')).toHaveLength(0); // outbound: never answered calls
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('ends the outbound call whose far end hung up while nobody held the PBX, and frees the agent', async () => {
    const far = await clickToDial('out-2', '0605060708');
    const adopt = await takeOver();
    far.hangup('out-2'); // nobody hears it: no process holds the Stasis application
    await until(async () => !(await bridge('call-out-2'))?.channels.includes('out-2'), 'far end gone');

    const report = await adopt();
    expect(report).toMatchObject({ gone: 1, rejoined: 0, strays: 0 });
    await until(() => !site.state.data.calls['out-2'], 'the outbound call ended');
    expect(site.state.data.agents['arm-1']!.status).not.toBe('on-call');
    expect(events.filter((e) => e.type === 'CallEnded' && e.callId === 'out-2')).toHaveLength(1);
    await site.settled();
    await until(
      async () => ((await (await ari('channels')).json()) as unknown[]).length === 0,
      "the agent's leg released",
    );
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });
});
