// Calls that arrive while the ACD is down, on FreeSWITCH (docs/freeswitch.md, "When the ACD is
// down"). What sim-fs shows, as the real drachtio-server does: with no app connected a new INVITE is
// answered 503, so the ACD never hears of it. The trunk's failover to FreeSWITCH's `sas_fallback`
// profile (freeswitch-config/freeswitch.xml) rings the N1 group and records each answered call in
// mod_db; sim-fs does not model that profile, so this test writes those records over the event
// socket exactly as its dialplan's `db insert` does. Once the ACD is back the leader's reader
// (src/telephony/drachtio/fallback-records.ts, through the real drachtio-fsmrf connection) hands
// each record to the engine: counted once as a fallback call, deleted from FreeSWITCH, never twice.
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startFsFallbackCounting } from '../../../src/app/fallback-counting.js';
import type { Event } from '../../../src/core/events.js';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import {
  FS_FALLBACK_REALM,
  type FsFallbackRecords,
} from '../../../src/telephony/drachtio/fallback-records.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function until<T>(find: () => T | undefined | null | false, what: string, ms = 8000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One `api` command on a fresh inbound event-socket connection (what the fallback dialplan's `db` does). */
async function eslApi(
  esl: { host: string; port: number; password: string },
  command: string,
): Promise<string> {
  const socket = net.connect(esl.port, esl.host);
  let buf = '';
  const replies: string[] = [];
  socket.on('data', (d) => {
    buf += d.toString();
    for (;;) {
      const end = buf.indexOf('\n\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const len = Number(/Content-Length: (\d+)/.exec(head)?.[1] ?? 0);
      if (buf.length < end + 2 + len) return;
      replies.push(len ? buf.slice(end + 2, end + 2 + len) : head);
      buf = buf.slice(end + 2 + len);
    }
  });
  await until(() => replies.some((r) => r.includes('auth/request')), 'auth request');
  socket.write(`auth ${esl.password}\n\n`);
  await until(() => replies.some((r) => r.includes('+OK accepted')), 'authenticated');
  const before = replies.length;
  socket.write(`api ${command}\n\n`);
  await until(() => replies.length > before, 'api response');
  socket.end();
  return replies.at(-1)!;
}

let lab: SimFsServer | undefined;
let site: SiteShell | undefined;
let adapter: DrachtioAdapter | undefined;
let records: FsFallbackRecords | undefined;

afterEach(async () => {
  await records?.stop();
  await site?.stop();
  await adapter?.stop();
  await lab?.close();
  records = site = adapter = lab = undefined;
});

describe('calls answered by the FreeSWITCH fallback while the ACD is down', () => {
  it('are refused 503 by drachtio with no app, then counted once from the mod_db records', async () => {
    lab = await startSimFs({ eslPassword: 'not-ClueCon' });
    // ACD down: drachtio answers the new INVITE 503 by itself.
    const r = await fetch(`${lab.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0601' }),
    });
    const { callId: simId } = (await r.json()) as { callId: string };
    await until(() => lab!.sim.timeline(simId)?.endedAtMs, 'the call refused');
    expect(lab.sim.timeline(simId)).toMatchObject({ status: 503, endedBy: 'pbx' });

    // What the sas_fallback dialplan writes when a phone of the group answers (one key per call).
    const t0 = Date.now() - 60_000;
    const keys = [
      `3f1c2a7e-0000-4000-8000-000000000001:15:${t0}:${t0 + 9000}:${encodeURIComponent('sofia/sas_fallback/arm-1')}:`,
      `3f1c2a7e-0000-4000-8000-000000000002:15:${t0 + 1000}:${t0 + 21000}::${encodeURIComponent('origin=85')}`,
      'not-a-record',
    ];
    for (const k of keys) expect(await eslApi(lab.esl, `db insert/${FS_FALLBACK_REALM}/${k}/1`)).toBe('+OK');

    // The ACD is back: the leader connects and reads.
    site = await SiteShell.start({
      config: exampleConfig(),
      logger: silent,
      effects: (f) => adapter!.execute(f),
    });
    const events: Event[] = [];
    site.onEvents((e) => events.push(...e));
    adapter = new DrachtioAdapter({
      drachtio: lab.drachtio,
      freeswitch: lab.esl,
      agentUri: (a) => `sip:${a}@127.0.0.1:5060`,
      partnerUri: (_p, d) => `sip:${d}@127.0.0.1:5096`,
      logger: silent,
    });
    await adapter.start((cmd, at) => void site!.dispatch(cmd, at));
    let counted = 0;
    records = startFsFallbackCounting({
      site,
      api: (c) => adapter!.eslApi(c),
      connected: () => adapter!.connected,
      everyMs: 200,
      logger: silent,
      counted: { add: () => (counted += 1) },
    });
    const fallback = () => events.filter((e) => e.type === 'FallbackCallCounted');
    await until(() => fallback().length === 2, 'both calls counted');
    await until(() => lab!.sim.media.db.get(FS_FALLBACK_REALM) === undefined, 'the records deleted');
    expect(fallback()).toEqual([
      expect.objectContaining({
        callId: '3f1c2a7e-0000-4000-8000-000000000001',
        line: '15',
        sinceArrivalMs: 9000,
        phone: 'sofia/sas_fallback/arm-1',
      }),
      expect.objectContaining({
        callId: '3f1c2a7e-0000-4000-8000-000000000002',
        sinceArrivalMs: 20000,
        originSite: '85',
      }),
    ]);
    expect(counted).toBe(2);

    // The same record read again (a crash before its deletion): never counted twice.
    await eslApi(lab.esl, `db insert/${FS_FALLBACK_REALM}/${keys[0]}/1`);
    await until(() => lab!.sim.media.db.get(FS_FALLBACK_REALM) === undefined, 'read again and deleted');
    await site.settled();
    expect(fallback()).toHaveLength(2);
    expect(events.filter((e) => e.type === 'CallArrived')).toHaveLength(0); // never an ACD arrival
    expect(lab.sim.leftovers()).toMatchObject({ dialogs: 0, channels: 0 });
  });
});
