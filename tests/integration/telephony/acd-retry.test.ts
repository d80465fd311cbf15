// The dialplan waits for the ACD before the fallback (asterisk-config/extensions.conf [sasacd-entry],
// mirrored by sim-pbx): a call that comes in while no ACD is connected rings back while Stasis() is
// tried again a few times. An ACD that connects within that window (a take-over) takes the call as
// an arrival, and the fallback group never rings; past the window the group answers it and the ACD,
// once back, counts it as a fallback call. Through the real ari-client; the PBX is clean at the end.
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
import type { CallRecord } from '../../../simulator/pbx/timeline.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';
import { silent, untilWithin } from './harness.js';

/** The window: 4 retries, 0.5 s apart (the dialplan's are 1 s apart: same logic, a faster test). */
const RETRIES = 4;
const RETRY_SECONDS = 0.5;
/** A window wide enough for an ACD starting on a busy machine (a take-over takes seconds there). */
const WIDE_RETRIES = 40;

const until = untilWithin(10_000);

describe('the dialplan waits for the ACD before the fallback', () => {
  let sim: SimPbx;
  let shell: SiteShell | undefined;
  let adapter: AriAdapter | undefined;
  let records: FallbackRecords | undefined;
  let events: Event[];
  let groupInvites: PhoneMessage[];
  const phones: PhoneClient[] = [];

  afterEach(async () => {
    await records?.stop();
    records = undefined;
    for (const p of phones.splice(0)) p.close();
    await shell?.stop();
    await adapter?.stop();
    shell = undefined;
    adapter = undefined;
    await sim?.close();
  });

  /** sim-pbx with arm-1 as the fallback group (it answers what rings), arm-3 the ACD's agent. */
  async function boot(acdRetries = RETRIES): Promise<void> {
    sim = await startSimPbx({
      port: 0,
      fallback: {
        endpoints: ['PJSIP/arm-1'],
        ringSeconds: 5,
        waitSeconds: 0.5,
        acdRetries,
        acdRetrySeconds: RETRY_SECONDS,
      },
    });
    events = [];
    groupInvites = [];
    const group = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-1');
    group.on('invite', (m: PhoneMessage) => {
      groupInvites.push(m);
      setTimeout(() => group.answer(String(m.channelId)), 200);
    });
    const arm3 = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-3');
    arm3.autoAnswer(0);
    phones.push(group, arm3);
  }

  /** The ACD connects (a new leader after a take-over), with fallback counting as serve runs it. */
  async function acdBack(): Promise<SiteShell> {
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
      config: exampleConfig(),
      logger: silent,
      outbox: true,
      effects: (f) => acd.execute(f),
      onEvents: (e) => events.push(...e),
    });
    shell = site;
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-3' });
    await acd.start((cmd: Command, at: number) => void site.dispatch(cmd, at));
    await takeOverPbx(site, acd, () => false, silent);
    records = startFallbackCounting({
      site,
      ari: { ...ari, app: sim.app },
      connected: () => acd.connected,
      everyMs: 300,
      logger: silent,
    });
    return site;
  }

  const kinds = (c: CallRecord) => c.entries.map((e) => e.kind);
  const typed = (type: Event['type'], callId: string) =>
    events.filter((e) => e.type === type && 'callId' in e && e.callId === callId);

  it('an ACD back within the window takes the call: an arrival, never the fallback', async () => {
    await boot(WIDE_RETRIES);
    const call = sim.pbx.injectCall({ line: '15', callerNumber: '0601' });
    expect(call.route).toBe('waiting-acd'); // Stasis() failed; the dialplan rings back and retries
    await until(() => kinds(call).filter((k) => k === 'stasis-failed').length >= 2, 'a first retry failed');
    const site = await acdBack();
    await until(() => call.answeredBy === 'PJSIP/arm-3', 'answered by the ACD agent');
    expect(call.route).toBe('stasis');
    expect(call.answeredByPbxAtMs).not.toBeNull(); // answered by the ACD (hold), not by the dialplan
    const start = call.entries.find((e) => e.kind === 'stasis-start');
    expect(start?.detail).toMatchObject({ acdRetry: expect.any(Number) as unknown });
    expect(kinds(call)).not.toContain('fallback-entered');
    expect(groupInvites).toEqual([]);
    expect(typed('CallArrived', call.channelId)).toHaveLength(1);

    // The engine hears the answer once the caller is in the agent's bridge (after the PBX's answer).
    await until(() => typed('CallConnected', call.channelId).length === 1, 'connected in the engine');
    expect((await site.dispatch({ type: 'hangUp', callId: call.channelId, agentId: 'arm-3' })).ok).toBe(true);
    await until(() => call.endedAtMs !== null, 'call ended');
    await until(() => typed('CallEnded', call.channelId).length === 1, 'ended in the engine');
    expect(events.filter((e) => e.type === 'FallbackCallCounted')).toEqual([]);
    // The "adopted" handshake: its last Stasis() handed it to the ACD, so its hang-up is no
    // fallback abandon (no record, nothing counted but the ACD's own call).
    expect(sim.pbx.astdb.keys(FALLBACK_FAMILY)).toEqual([]);
    expect(events.filter((e) => e.type === 'FallbackCallAbandoned')).toEqual([]);
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('a caller who hangs up while the dialplan waits is counted once as a fallback abandon', async () => {
    await boot(WIDE_RETRIES);
    const call = sim.pbx.injectCall({ line: '15', callerNumber: '0603' });
    await until(() => kinds(call).filter((k) => k === 'stasis-failed').length >= 2, 'waiting for the ACD');
    sim.pbx.callerHangup(call.callId);
    expect(call.route).toBe('waiting-acd');
    expect(sim.pbx.astdb.keys(FALLBACK_FAMILY)).toHaveLength(1);
    await acdBack();
    await until(() => events.some((e) => e.type === 'FallbackCallAbandoned'), 'the abandon counted');
    expect(events.filter((e) => e.type === 'FallbackCallAbandoned')).toMatchObject([
      { callId: call.channelId, line: '15' },
    ]);
    const abandon = events.find((e) => e.type === 'FallbackCallAbandoned') as { sinceArrivalMs: number };
    // Timed from the arrival to the hang-up (the record and the timeline read the clock apart).
    expect(Math.abs(abandon.sinceArrivalMs - (call.endedAtMs! - call.arrivedAtMs))).toBeLessThanOrEqual(5);
    await until(() => sim.pbx.astdb.keys(FALLBACK_FAMILY).length === 0, 'the record deleted');
    expect(events.filter((e) => e.type === 'FallbackCallCounted' || e.type === 'CallArrived')).toEqual([]);
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('past the window the fallback group answers it, and the ACD back counts it once', async () => {
    await boot();
    const call = sim.pbx.injectCall({ line: '15', callerNumber: '0602' });
    await until(() => call.answeredBy === 'PJSIP/arm-1', 'answered by the fallback group');
    expect(call.route).toBe('fallback');
    // Stasis tried at the entry and at each retry, then the fallback, then the group's answer.
    expect(kinds(call).filter((k) => k === 'stasis-failed')).toHaveLength(1 + RETRIES);
    const entered = call.entries.find((e) => e.kind === 'fallback-entered')!;
    expect(entered.atMs - call.arrivedAtMs).toBeGreaterThanOrEqual(RETRIES * RETRY_SECONDS * 1000);

    await acdBack();
    await until(() => events.some((e) => e.type === 'FallbackCallCounted'), 'counted');
    expect(events.filter((e) => e.type === 'FallbackCallCounted')).toMatchObject([
      { callId: call.channelId, phone: 'arm-1' },
    ]);
    expect(typed('CallArrived', call.channelId)).toEqual([]);
    phones[0]!.hangup(call.agentLegs[0]!);
    await until(() => call.endedAtMs !== null, 'call ended');
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });
});
