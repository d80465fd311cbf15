// ARI requests that get no answer (src/telephony/ari/rest-timeout.ts), through the real ari-client
// against sim-pbx's stall fault (simulator/pbx/rest-stall.ts): swagger-client never settles such a
// request, so without the bound the effect, and every later effect of its call, waits for ever. With
// it the effect fails cleanly, what depends on it goes on, the call reaches an agent once, and the
// PBX holds nothing at the end.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { AriRestTimeout, bounded, withRestTimeout } from '../../../src/telephony/ari/rest-timeout.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import type { StallSpec } from '../../../simulator/pbx/rest-stall.js';
import { ariAdapter, startAriSite, untilWithin } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

/** Every ARI request's bound here: short for a fast test, long enough for a busy machine. */
const TIMEOUT_MS = 1000;

const until = untilWithin(8000);

describe('an ARI request that gets no answer', () => {
  let sim: SimPbx;
  let shell: SiteShell;
  let adapter: AriAdapter;
  let events: Event[];
  let warnings: string[];
  const phones: PhoneClient[] = [];

  afterEach(async () => {
    for (const p of phones.splice(0)) p.close();
    await shell?.stop();
    await adapter?.stop();
    await sim?.close();
  });

  async function boot(): Promise<void> {
    sim = await startSimPbx({ port: 0 });
    warnings = [];
    const logger = createLogger({
      level: 'warn',
      destination: new Writable({
        write: (chunk: Buffer, _e, cb) => {
          warnings.push(chunk.toString());
          cb();
        },
      }),
    });
    adapter = ariAdapter(sim, { logger, onLink: () => undefined, restTimeoutMs: TIMEOUT_MS });
    ({ site: shell, events } = await startAriSite(adapter, { outbox: true }));
  }

  async function stall(spec: StallSpec): Promise<void> {
    const r = await fetch(`${sim.url}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stallAriRequests: spec }),
    });
    expect(r.status).toBe(200);
  }

  async function stalled(): Promise<{ method: string; path: string; carriedOut: boolean }[]> {
    const r = await fetch(`${sim.url}/sim/faults`);
    return ((await r.json()) as { ariStalled: { method: string; path: string; carriedOut: boolean }[] })
      .ariStalled;
  }

  async function inject(): Promise<{ callId: string; channelId: string }> {
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as { callId: string; channelId: string };
  }

  async function phone(agentId: string, answerAfterMs: number): Promise<PhoneClient> {
    const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agentId}`);
    p.autoAnswer(answerAfterMs);
    phones.push(p);
    await shell.dispatch({ type: 'agentLogin', agentId });
    return p;
  }

  const count = (type: string, callId: string) =>
    events.filter((e) => e.type === type && 'callId' in e && e.callId === callId).length;

  async function endAndCheck(call: { callId: string; channelId: string }): Promise<void> {
    await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
    await until(() => count('CallEnded', call.channelId) === 1, 'the call ended');
    await shell.settled();
    expect(count('CallArrived', call.channelId)).toBe(1);
    expect(count('CallConnected', call.channelId)).toBe(1);
    expect(count('CallEnded', call.channelId)).toBe(1);
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  }

  it('never reaching the PBX (held open): the hold fails, the agent is still bridged', async () => {
    await boot();
    // The phone answers a second after it rings, so the first addChannel is the hold's, never the
    // answer's own bridging (which the adapter does at once: at 0 ms the two raced, and on a busy
    // machine the stall caught the answer's, the caller never bridged).
    await phone('arm-1', 1000);
    // The caller's move into the queue's holding bridge is lost on its way; the connection hangs.
    await stall({ count: 1, method: 'POST', path: '/addChannel$', then: 'hang' });
    const call = await inject();
    // The agent answered: the adapter bridges a first answer at once (answer-on-bridge.ts), and the
    // hold, lost on its way, ends with its timeout instead of never (without the bound, the call's
    // next effects would wait behind it for ever).
    await until(() => sim.pbx.timelines.calls.get(call.callId)?.answeredBy, 'the caller bridged');
    await until(
      () => warnings.join('').includes(`got no answer within ${TIMEOUT_MS} ms`),
      'the hold timed out',
    );
    expect(sim.pbx.timelines.calls.get(call.callId)!.answeredBy).toBe('PJSIP/arm-1');
    expect(await stalled()).toEqual([
      { method: 'POST', path: expect.stringMatching(/addChannel$/) as unknown, carriedOut: false },
    ]);
    expect(warnings.join('')).toContain(`got no answer within ${TIMEOUT_MS} ms`);
    await endAndCheck(call);
  });

  it('carried out with its answer lost (connection reset): the ring is hung up and offered again', async () => {
    await boot();
    // The phones answer after the bound: the first ring is the one whose originate answer is lost.
    const slow = [await phone('arm-1', 3 * TIMEOUT_MS), await phone('arm-2', 3 * TIMEOUT_MS)];
    await stall({ count: 1, method: 'POST', path: '^/channels$', carryOut: true, then: 'reset' });
    const call = await inject();
    await until(() => sim.pbx.timelines.calls.get(call.callId)?.answeredBy, 'the caller bridged', 20_000);
    const [lost] = await stalled();
    expect(lost).toEqual({ method: 'POST', path: '/channels', carriedOut: true });
    // The phone that rang for the lost originate was cancelled by the adapter (its id was chosen
    // before the request), not left ringing to be answered as a stranger.
    const first = slow.find((p) => p.messages.some((m) => m.type === 'invite'))!;
    const invite = first.messages.find((m) => m.type === 'invite')!;
    await until(
      () => first.messages.some((m) => m.type === 'cancelled' && m.channelId === invite.channelId),
      'the lost ring cancelled',
    );
    expect(
      events.some(
        (e) => e.type === 'CallOfferFailed' && e.callId === call.channelId && e.reason === 'unreachable',
      ),
    ).toBe(true);
    await endAndCheck(call);
  });

  it('bounds any promise and names the request', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(bounded(never, 20, 'channels.list')).rejects.toThrow(
      new AriRestTimeout('channels.list', 20).message,
    );
    const client = withRestTimeout({ channels: { list: () => never, n: 1 }, on: () => 'kept' }, 20);
    await expect(client.channels.list()).rejects.toBeInstanceOf(AriRestTimeout);
    expect(client.on()).toBe('kept');
  });
});
