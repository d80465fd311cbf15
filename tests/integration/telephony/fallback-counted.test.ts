// The calls the dialplan fallback answers while the ACD is down are counted once the ACD is back,
// through the real ari-client against sim-pbx: sim-pbx rings the fallback group as
// asterisk-config/extensions.conf does and writes the same AstDB records; the leader reads them
// (src/telephony/ari/fallback-records.ts), the engine counts each call once, labelled fallback
// (src/core/rules/fallback.ts), and a call the ACD itself took after a fallback round is an ACD
// call, never a fallback one. The PBX is clean at the end and the records are deleted.
import { afterEach, describe, expect, it } from 'vitest';
import { startFallbackCounting } from '../../../src/app/fallback-counting.js';
import { takeOverPbx } from '../../../src/app/pbx-take-over.js';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import type { FallbackRecords } from '../../../src/telephony/ari/fallback-records.js';
import { PhoneClient, type PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { FALLBACK_FAMILY } from '../../../simulator/pbx/astdb.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { indicate, valuesOf } from '../../unit/indicators/drive.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';
import { silent, untilWithin } from './harness.js';

const until = untilWithin(8000);

describe('calls answered by the dialplan fallback while the ACD is down', () => {
  let sim: SimPbx;
  let shell: SiteShell | undefined;
  let adapter: AriAdapter | undefined;
  let records: FallbackRecords | undefined;
  const phones: PhoneClient[] = [];

  afterEach(async () => {
    await records?.stop();
    for (const p of phones.splice(0)) p.close();
    await shell?.stop();
    await adapter?.stop();
    await sim?.close();
  });

  it('are counted once the ACD is back: answered, QS 30 s, labelled fallback, never twice', async () => {
    sim = await startSimPbx({
      port: 0,
      // No wait for the ACD before the fallback (acd-retry.test.ts covers it): straight to the group.
      fallback: {
        endpoints: ['PJSIP/arm-1', 'PJSIP/arm-2'],
        ringSeconds: 1.5,
        waitSeconds: 0.5,
        acdRetries: 0,
      },
    });
    // The fallback group's phones: arm-1 takes the caller 0601, arm-2 the caller 0602; nobody
    // takes 0603, who waits through fallback rounds until the ACD is back.
    const invites: PhoneMessage[] = [];
    for (const [endpoint, number] of [
      ['PJSIP/arm-1', '0601'],
      ['PJSIP/arm-2', '0602'],
    ] as const) {
      const phone = await PhoneClient.register(sim.endpointsWsUrl, endpoint);
      phone.on('invite', (m: PhoneMessage) => {
        invites.push(m);
        const caller = m.caller as { number: string };
        if (caller.number === number) setTimeout(() => phone.answer(String(m.channelId)), 300);
      });
      phones.push(phone);
    }
    // The ACD's own agent, who answers at once (not in the fallback group).
    const arm3 = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-3');
    arm3.autoAnswer(0);
    phones.push(arm3);

    // ACD down: no Stasis application.
    const a = sim.pbx.injectCall({ line: '15', callerNumber: '0601' });
    const b = sim.pbx.injectCall({ line: '15', callerNumber: '0602', stasisArgs: ['origin=85'] });
    const c = sim.pbx.injectCall({ line: '15', callerNumber: '0603' });
    for (const call of [a, b, c]) expect(call.route).toBe('fallback');
    await until(() => a.answeredBy && b.answeredBy, 'the fallback group answering A and B');
    expect(a.answeredBy).toBe('PJSIP/arm-1');
    expect(b.answeredBy).toBe('PJSIP/arm-2');
    // Both phones rang for each call (the group rings together); C is not answered.
    expect(invites.filter((m) => (m.caller as { number: string }).number === '0601')).toHaveLength(2);
    expect(c.answeredBy).toBeNull();
    expect(sim.pbx.astdb.keys(FALLBACK_FAMILY)).toHaveLength(2);
    // A ends before the ACD is back; B is still talking when it comes back.
    const aLeg = a.agentLegs[0]!;
    phones[0]!.hangup(aLeg);
    await until(() => a.endedAtMs !== null, 'A ended');

    // The ACD comes back.
    const events: Event[] = [];
    const config = exampleConfig((cfg) => {
      for (const ag of cfg.agents as { autoAnswer: boolean }[]) ag.autoAnswer = true;
    });
    const ari = { url: sim.ariUrl, user: sim.user, password: sim.password };
    const acd = new AriAdapter({
      ...ari,
      app: sim.app,
      endpointOf: (id) => `PJSIP/${id}`,
      logger: silent,
      onLink: () => undefined,
    });
    adapter = acd;
    const site = await SiteShell.start({
      config,
      logger: silent,
      outbox: true,
      effects: (f) => acd.execute(f),
      onEvents: (e) => events.push(...e),
    });
    shell = site;
    await acd.start((cmd: Command, at: number) => void site.dispatch(cmd, at));
    await takeOverPbx(site, acd, () => false, silent);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-3' });
    records = startFallbackCounting({
      site,
      ari: { ...ari, app: sim.app },
      connected: () => acd.connected,
      everyMs: 300,
      logger: silent,
    });

    const counted = () => events.filter((e) => e.type === 'FallbackCallCounted');
    await until(() => counted().length === 2, 'both fallback calls counted');
    // C: the next fallback round found the ACD, which took it as an arrival and answered it.
    await until(() => c.answeredBy === 'PJSIP/arm-3' && c.route === 'stasis', 'C taken by the ACD').catch(
      (err: Error) => {
        throw new Error(
          `${err.message}: ${JSON.stringify({ by: c.answeredBy, route: c.route, entries: c.entries, ev: events.map((e) => e.type) })}`,
        );
      },
    );
    // Records deleted once counted; reading again counts nothing more.
    await until(() => sim.pbx.astdb.keys(FALLBACK_FAMILY).length === 0, 'records deleted');
    expect(await records.poll()).toEqual({ records: 0, counted: 0, refused: 0, malformed: 0 });
    expect(
      counted()
        .map((e) => e.callId)
        .sort(),
    ).toEqual([a.channelId, b.channelId].sort());
    expect(counted().find((e) => e.callId === b.channelId)).toMatchObject({
      originSite: '85',
      phone: 'arm-2',
    });
    const waitA = a.answeredByAgentAtMs! - a.arrivedAtMs;
    expect(counted().find((e) => e.callId === a.channelId)).toMatchObject({ sinceArrivalMs: waitA });

    const v = valuesOf(
      indicate(config, events),
      'year',
      String(new Date(a.arrivedAtMs).getUTCFullYear()),
    ).all;
    expect(v['calls.arrived']).toBe(3);
    expect(v['calls.answered']).toBe(3); // A and B by the fallback, C by the ACD: each once
    expect(v['calls.fallbackAnswered']).toBe(2);
    expect(v['calls.answeredWithin30s']).toBe(3);
    expect(v['calls.qs30']).toBe(1);
    expect(events.filter((e) => e.type === 'CallArrived').map((e) => e.callId)).toEqual([c.channelId]);

    // End the calls: B's phone hangs up, the ACD's agent hangs C up.
    phones[1]!.hangup(b.agentLegs[0]!);
    await site.dispatch({ type: 'hangUp', callId: c.channelId, agentId: 'arm-3' });
    await until(() => b.endedAtMs !== null && c.endedAtMs !== null, 'B and C ended');
    await records.stop();
    records = undefined;
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });
});
