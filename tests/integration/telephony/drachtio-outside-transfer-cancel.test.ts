// Cancelling a blind outside transfer that rings (cancelOutsideTransfer) on FreeSWITCH, through the
// real drachtio-srf and drachtio-fsmrf against sim-fs, as ari-outside-transfer-cancel.test.ts does
// on Asterisk: the number's phone stops ringing, the caller still hears only the agent, who may
// then hang up. Every test ends with nothing left on the PBX.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { PhoneClient, type PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import {
  SIM_FS_ESL_PASSWORD,
  drachtioAdapter,
  expectCleanFs,
  fsPhone,
  injectFsCall,
  startFsSite,
  untilWithin,
} from './drachtio-harness.js';

const until = untilWithin(20_000);

let lab: SimFsServer;
let adapter: DrachtioAdapter;
let site: SiteShell;
let events: Event[];
const phones: PhoneClient[] = [];

beforeEach(async () => {
  lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
  adapter = drachtioAdapter(lab, { outboundUri: (number) => `sip:${number}@127.0.0.1:5060` });
  ({ site, events } = await startFsSite(adapter));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site.stop();
  await adapter.stop();
  await lab.close();
});

const phone = (endpoint: string, answerMs: number | null = 0) => fsPhone(lab, phones, endpoint, answerMs);
const agent = (id: string) => site.state.data.agents[id]!;

describe('cancelling a blind outside transfer on FreeSWITCH (drachtio, sim-fs)', () => {
  it('the number stops ringing, the caller stays with the agent, who then hangs up', async () => {
    await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0118000000', null); // rings, never answers
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, callId } = await injectFsCall(lab);
    await until(() => site.state.data.calls[callId]?.parties.length, 'the caller and arm-1 connected');
    await until(() => lab.sim.hears(simId).phones.includes('PJSIP/arm-1'), 'the caller hears arm-1');
    const placed = await site.dispatch({
      type: 'dialOut',
      callId: 'out-c1',
      agentId: 'arm-1',
      number: '0118000000',
      purpose: 'external-transfer',
      parentCallId: callId,
      handOver: true,
    });
    expect(placed.ok).toBe(true);
    const invite = await until(
      () => far.messages.find((m: PhoneMessage) => m.type === 'invite'),
      'the number rings',
    );

    expect(await site.dispatch({ type: 'cancelOutsideTransfer', callId, agentId: 'arm-1' })).toMatchObject({
      ok: true,
    });
    await until(
      () =>
        far.messages.some(
          (m) => (m.type === 'cancelled' || m.type === 'hungup') && m.channelId === invite.channelId,
        ),
      "the number's phone told the call was withdrawn",
    );
    await until(() => lab.sim.phones.get('PJSIP/0118000000')?.activeLegs === 0, 'no leg at the number');
    expect(site.state.data.calls['out-c1']).toBeUndefined();
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    expect(lab.sim.hears(simId).phones).toEqual(['PJSIP/arm-1']);
    expect(events.some((e) => e.type === 'CallEnded' && e.callId === callId)).toBe(false);

    expect((await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => !site.state.data.calls[callId], 'the call ended by the agent');
    await site.settled();
    await expectCleanFs(lab);
  });
});
