// Music for every waiting caller, through the real ari-client against sim-pbx: Asterisk's music
// channel leaves a holding bridge when it is alone there, so the adapter must start the music
// again whenever a caller joins, not only when it creates the queue's bridge.
import { afterEach, describe, expect, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import type { Bridge } from '../../../simulator/pbx/model.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { silent, untilWithin } from './harness.js';

let sim: SimPbx | undefined;
let adapter: AriAdapter | undefined;
let runtime: SiteShell | undefined;
const phones: PhoneClient[] = [];
const events: Event[] = [];

const until = untilWithin(4000);

async function boot(): Promise<SimPbx> {
  const pbx = await startSimPbx({ port: 0 });
  sim = pbx;
  const config = exampleConfig(() => {});
  const a = new AriAdapter({
    url: pbx.ariUrl,
    user: pbx.user,
    password: pbx.password,
    app: pbx.app,
    endpointOf: (id) => config.agents.find((x) => x.id === id)?.endpoint ?? `PJSIP/${id}`,
    logger: silent,
  });
  adapter = a;
  const r = await SiteShell.start({ config, logger: silent, effects: (f) => a.execute(f) });
  runtime = r;
  r.onEvents((e) => events.push(...e));
  await a.start((cmd, at) => r.dispatch(cmd, at));
  return pbx;
}

async function inject(pbx: SimPbx, number: string): Promise<{ simCallId: string; channelId: string }> {
  const res = await fetch(`${pbx.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: number }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { callId: string; channelId: string };
  return { simCallId: body.callId, channelId: body.channelId };
}

const queueBridge = (pbx: SimPbx): Bridge | undefined =>
  [...pbx.pbx.bridges.values()].find((b) => b.bridgeType === 'holding' && b.name.startsWith('queue-'));
const waitingIn = (pbx: SimPbx, channelId: string) => queueBridge(pbx)?.channels.includes(channelId);
const hangUp = (pbx: SimPbx, simCallId: string) =>
  fetch(`${pbx.url}/sim/calls/${simCallId}/hangup`, { method: 'POST' });

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await runtime?.stop();
  await adapter?.stop();
  await sim?.close();
  events.length = 0;
});

describe('queue music through the ARI adapter', () => {
  it('plays for callers who join after every earlier caller hung up', async () => {
    const pbx = await boot();
    const first = await inject(pbx, '0611111111');
    await until(() => waitingIn(pbx, first.channelId) && queueBridge(pbx)?.moh, 'first caller with music');

    await hangUp(pbx, first.simCallId);
    // As on Asterisk: the music channel, alone in the bridge, leaves it and the music stops.
    await until(() => queueBridge(pbx)?.channels.length === 0, 'queue empty');
    expect(queueBridge(pbx)?.moh).toBeNull();

    const second = await inject(pbx, '0622222222');
    await until(() => waitingIn(pbx, second.channelId), 'second caller waiting');
    await until(() => queueBridge(pbx)?.moh, 'music for the second caller');
    const third = await inject(pbx, '0633333333');
    await until(() => waitingIn(pbx, third.channelId), 'third caller waiting');
    expect(queueBridge(pbx)?.moh).toBe('default');
    expect(queueBridge(pbx)?.channels).toEqual([second.channelId, third.channelId].sort(bySeq));
    // one queue bridge for all of them
    expect([...pbx.pbx.bridges.values()].filter((b) => b.bridgeType === 'holding')).toHaveLength(1);
  });

  it('plays for a caller who joins after the previous one was answered by an agent', async () => {
    const pbx = await boot();
    const first = await inject(pbx, '0611111111');
    await until(() => waitingIn(pbx, first.channelId) && queueBridge(pbx)?.moh, 'first caller with music');
    const phone = await PhoneClient.register(pbx.endpointsWsUrl, 'PJSIP/arm-1');
    phone.autoAnswer(0);
    phones.push(phone);
    await runtime!.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await until(
      () => events.some((e) => e.type === 'CallConnected' && e.callId === first.channelId),
      'first caller connected',
    );
    await until(() => queueBridge(pbx)?.channels.length === 0, 'queue empty');
    expect(queueBridge(pbx)?.moh).toBeNull(); // moved out: the music left with it

    const second = await inject(pbx, '0622222222');
    await until(() => waitingIn(pbx, second.channelId), 'second caller waiting');
    await until(() => queueBridge(pbx)?.moh, 'music for the second caller');
  });
});

function bySeq(a: string, b: string): number {
  return Number(a.split('.')[1]) - Number(b.split('.')[1]);
}
