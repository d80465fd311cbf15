// The bots' and tests' phone (simulator/bots/phone-client.ts) against sim-pbx: a request the PBX
// refuses (answering a call it has already ended, as when the caller or a hand-over is faster than
// the phone) comes back as an 'error' message. With nobody listening for 'error' that used to throw
// out of the WebSocket handler (an uncaught exception in CI); it is now kept like any message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { waitUntil } from './helpers.js';

let sim: SimPbx;
beforeEach(async () => {
  sim = await startSimPbx({ port: 0 });
});
afterEach(async () => {
  await sim.close();
});

describe('a phone whose request the PBX refuses', () => {
  it('keeps the refusal as a message, throws nothing, and goes on working', async () => {
    const phone = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-1');
    phone.answer('no-such-channel');
    const refusal = await waitUntil(
      () => phone.messages.find((m) => m.type === 'error'),
      'the refusal',
      5000,
    );
    expect(refusal).toMatchObject({ request: 'answer' });
    // Still registered: a listener added later hears the next refusal.
    const heard = new Promise((resolve) => phone.once('error', resolve));
    phone.hangup('no-such-channel');
    expect(await heard).toMatchObject({ type: 'error', request: 'hangup' });
    phone.close();
  });
});
