/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
// FreeSWITCH's inbound event socket cut while FreeSWITCH keeps running (a network blip): modesl
// connects again by itself, and the drachtio adapter follows it (src/telephony/drachtio/
// event-socket-link.ts). Its link says down, then up again, and so does the PBX round trip of the
// dependencies route; a command that had no reply when the socket dropped is answered -ERR rather
// than with the next command's reply; a call after the return is distributed and recorded (the
// RECORD_STOP subscription asked again), and nothing is left on the PBX. Real drachtio-srf,
// drachtio-fsmrf and modesl against sim-fs, the engine running for real.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { callRef } from '../../../src/lrm/call-ref.js';
import { EventSocketDownError, fsRoundTrip } from '../../../src/observability/freeswitch-round-trip.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { FsRecordingAvailable } from '../../../src/telephony/drachtio/call-recording.js';
import type { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { EVENT_SOCKET_GONE } from '../../../src/telephony/drachtio/event-socket-link.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import {
  drachtioAdapter,
  expectCleanFs,
  fsPhone,
  injectFsCall,
  SIM_FS_ESL_PASSWORD,
  until,
} from './drachtio-harness.js';
import { silent } from './harness.js';

let dir = '';
let lab: SimFsServer | null = null;
let adapter: DrachtioAdapter | null = null;
let site: SiteShell | null = null;
const phones: PhoneClient[] = [];

afterEach(async () => {
  if (lab) lab.sim.media.stallCommands = null;
  for (const p of phones.splice(0)) p.close();
  await site?.stop();
  await adapter?.stop();
  await lab?.close();
  site = adapter = lab = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the drachtio adapter when its FreeSWITCH event socket drops and modesl reconnects', () => {
  it('says the link and the round trip up again, answers the lost command -ERR, and goes on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sas-acd-esl-reconnect-'));
    lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD, recordingsDir: dir });
    const l = lab;
    const events: Event[] = [];
    const recordings: FsRecordingAvailable[] = [];
    const links: boolean[] = [];
    site = await SiteShell.start({
      config: exampleConfig((c: Record<string, any>) => {
        c.recording = { enabled: true };
      }),
      logger: silent,
      effects: (f) => adapter!.execute(f),
    });
    const s = site;
    s.onEvents((e) => events.push(...e));
    adapter = drachtioAdapter(l, {
      recordingsDir: dir,
      recording: {
        enabled: () => true,
        format: () => 'wav',
        nameOf: (callId) => callRef(s.state.data.config.id, callId),
      },
      onRecording: (r) => recordings.push(r),
      onLink: (up) => links.push(up),
    });
    const a = adapter;
    await a.start((cmd, at) => void s.dispatch(cmd, at));
    expect(a.links).toEqual({ drachtio: true, eventSocket: true });
    expect(await fsRoundTrip(a)).toBeGreaterThanOrEqual(0);

    // An `api status` held by FreeSWITCH when the socket drops: it never gets its reply.
    let seen!: () => void;
    const held = new Promise<void>((resolve) => (seen = resolve));
    l.sim.media.stallCommands = (command) => {
      if (!command.startsWith('api status')) return null;
      seen();
      return new Promise<void>(() => undefined);
    };
    const lost = a.eslApi('status');
    await held;
    l.sim.media.stallCommands = null;
    expect(l.sim.media.dropInbound()).toBe(1);
    let answer: string | null = null;
    void lost.then((body) => (answer = body));
    expect(await until(() => answer, 'the lost command answered', 20_000)).toBe(EVENT_SOCKET_GONE);
    await until(() => links.includes(false), 'the link said down');
    // Until modesl is back, the round trip is not sent on the closed socket: said down.
    if (!a.links.eventSocket) await expect(fsRoundTrip(a)).rejects.toBeInstanceOf(EventSocketDownError);

    await until(() => a.links.eventSocket && a.connected, 'the event socket back', 20_000);
    expect(links).toEqual([false, true]);
    // Each reply is its own command's: none shifted by the lost one.
    for (let i = 0; i < 3; i += 1) expect(await fsRoundTrip(a)).toBeGreaterThanOrEqual(0);
    expect(await a.eslApi('uuid_exists 00000000-0000-0000-0000-000000000000')).toBe('false');

    // A call after the return: distributed, recorded and reported (RECORD_STOP asked again).
    await fsPhone(l, phones, 'PJSIP/arm-1', 20);
    expect((await s.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
    const call = await injectFsCall(l);
    await until(
      () => events.some((e) => e.type === 'CallConnected' && e.callId === call.callId),
      'the call connected',
      20_000,
    );
    await until(() => l.sim.media.liveRecordings().length === 1, 'the recording started', 20_000);
    expect(
      (
        await s.dispatch({
          type: 'hangUp',
          callId: call.callId,
          agentId: 'arm-1',
          disposition: 'conseil-medical',
        })
      ).ok,
    ).toBe(true);
    await until(() => recordings.length > 0, 'the recording reported', 20_000);
    expect(recordings).toEqual([expect.objectContaining({ callId: call.callId })]);
    expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
    await s.settled();
    await expectCleanFs(l);
  });

  it('tries again at least every eventSocketRetryMaxMs while FreeSWITCH refuses, and is back once it listens', async () => {
    lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
    const l = lab;
    const links: boolean[] = [];
    // 300 ms instead of the default 5 s, so that the test needs 2 s of outage, not 9: modesl's own
    // backoff (150 ms × 1.7) passes 300 ms at its second try and 5 s at its seventh.
    adapter = drachtioAdapter(l, { eventSocketRetryMaxMs: 300, onLink: (up) => links.push(up) });
    const a = adapter;
    await a.start(() => undefined);
    const delays: number[] = [];
    (a as any).ms.conn.on('esl::reconnecting', (r: { delay: number }) => delays.push(r.delay));

    // FreeSWITCH's event socket gone (every connection closed, the port refusing).
    await l.sim.media.close();
    await until(() => links.includes(false), 'the link said down');
    await until(() => delays.length >= 6, 'six tries while refused', 20_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300);
    expect(a.links.eventSocket).toBe(false);

    await l.sim.media.listen(l.esl.port, l.esl.host);
    await until(() => a.links.eventSocket && a.connected, 'the event socket back', 20_000);
    expect(links).toEqual([false, true]);
    expect(await fsRoundTrip(a)).toBeGreaterThanOrEqual(0);
    await expectCleanFs(l);
  });
});
