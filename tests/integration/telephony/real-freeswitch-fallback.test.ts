// The `sas_fallback` profile of freeswitch-config/freeswitch.xml on a REAL FreeSWITCH 1.10.12: calls
// the trunk sends there while the ACD is down ring the N1 group and leave one mod_db record each,
// which the ACD's reader (src/telephony/drachtio/fallback-records.ts) turns into engine commands once
// back. Runs only with FREESWITCH_ESL (esl://<password>@host:8021), FALLBACK_SIP (the sas_fallback
// profile's host:port) and FAR_SIP (a "far" profile whose context rings 1 s then answers, and answers
// 486 to busy-*) set; reported as skipped otherwise. The lab's configuration is the repository's with
// the group's phones (CHANGE_ME) replaced by `${sip_h_X-Sas-Lab-Phones}`, so that each test chooses
// them (docs/freeswitch.md, "The fallback on a real FreeSWITCH"). Each test ends with no channel left.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { createLogger } from '../../../src/ports/logger.js';
import { FsFallbackRecords, FS_FALLBACK_REALM } from '../../../src/telephony/drachtio/fallback-records.js';
import { MrfCtor, SrfCtor, type FsMediaServer, type Srf } from '../../../src/telephony/drachtio/libs.js';

const env = process.env;
const enabled = Boolean(env.DRACHTIO_URL && env.FREESWITCH_ESL && env.FALLBACK_SIP && env.FAR_SIP);
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const parse = (raw: string) => {
  const u = new URL(raw);
  return { host: u.hostname, port: Number(u.port), secret: decodeURIComponent(u.username || u.password) };
};

async function until<T>(
  find: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Row = { uuid: string; context: string; created_epoch: string };

describe.skipIf(!enabled)('the FreeSWITCH fallback (sas_fallback) on a real FreeSWITCH', () => {
  const drachtio = enabled ? parse(env.DRACHTIO_URL!) : { host: '', port: 0, secret: '' };
  const esl = enabled ? parse(env.FREESWITCH_ESL!) : { host: '', port: 0, secret: '' };
  let ctl: { srf: Srf; ms: FsMediaServer } | null = null;

  const control = async () => {
    if (ctl) return ctl.ms;
    // fsmrf's inbound connection needs a drachtio-srf; nothing is routed through it here.
    const srf = new SrfCtor();
    srf.connect(drachtio);
    await new Promise<void>((r) => srf.once('connect', r));
    const ms = await new MrfCtor(srf).connect({
      address: esl.host,
      port: esl.port,
      secret: esl.secret,
      listenAddress: '127.0.0.1',
      listenPort: 0,
    });
    ctl = { srf, ms };
    return ms;
  };
  const api = async (cmd: string) => (await control()).api(cmd);
  const channels = async (): Promise<Row[]> =>
    (JSON.parse((await api('show channels as json')) || '{}') as { rows?: Row[] }).rows ?? [];
  const records = async () => {
    const listed = (await api(`db list/${FS_FALLBACK_REALM}`)).trim();
    return listed === '' || listed.startsWith('-ERR') || listed === '!err!' ? [] : listed.split(',');
  };
  /** A trunk caller on line 15 sent to the fallback, the group being `phones`; the far leg's uuid. */
  const call = async (phones: string[]) => {
    const uuid = randomUUID();
    const list = phones.map((p) => `sofia/sas_fallback/${p}@${env.FAR_SIP}`).join('\\,');
    await api(
      `bgapi originate {origination_uuid=${uuid},origination_caller_id_number=0612345678,ignore_early_media=true,sip_h_X-Sas-Lab-Phones=${list}}sofia/far/sip:15@${env.FALLBACK_SIP} &park()`,
    );
    return uuid;
  };
  /** The reader the ACD runs once back, its commands collected (every one accepted). */
  const readBack = async () => {
    const got: Command[] = [];
    const reader = new FsFallbackRecords({
      api,
      submit: async (cmd) => {
        got.push(cmd);
        return { ok: true, events: [], effects: [] };
      },
      active: () => true,
      logger: silent,
    });
    const report = await reader.poll();
    return { got, report };
  };

  afterAll(() => {
    ctl?.ms.disconnect();
    ctl?.srf.disconnect();
  });

  /** Nothing from an earlier run (records outlive FreeSWITCH's restarts: they are on disk). */
  const reset = async () => {
    await api('hupall NORMAL_CLEARING');
    for (const key of await records()) await api(`db delete/${FS_FALLBACK_REALM}/${key}`);
  };
  beforeEach(reset);
  afterEach(reset);

  it('a call a phone answers leaves one record, counted once by the reader and deleted', async () => {
    const far = await call(['arm-1', 'arm-2']);
    const key = await until(async () => (await records())[0], 'the answered record');
    const fallback = (await channels()).find((r) => r.context === 'sasacd-fallback');
    expect(fallback).toBeDefined();
    expect(key.startsWith(`${fallback!.uuid}:15:`)).toBe(true);
    await api(`uuid_kill ${far}`); // the caller hangs up after talking
    await until(async () => (await channels()).length === 0, 'no channel left');
    // An answered call writes no abandon at its end.
    expect(await records()).toEqual([key]);
    const { got, report } = await readBack();
    expect(report).toMatchObject({ records: 1, counted: 1, malformed: 0 });
    expect(got).toEqual([
      expect.objectContaining({
        type: 'recordFallbackCall',
        callId: fallback!.uuid,
        line: '15',
        phone: null,
      }),
    ]);
    const c = got[0] as Extract<Command, { type: 'recordFallbackCall' }>;
    expect(c.answeredAt).toBeGreaterThanOrEqual(c.arrivedAt);
    expect(await records()).toEqual([]);
  }, 30_000);

  it('every phone busy: the caller keeps waiting round after round; hanging up is an abandon', async () => {
    const far = await call(['busy-1', 'busy-2']);
    const fallback = await until(
      async () => (await channels()).find((r) => r.context === 'sasacd-fallback'),
      'the fallback channel',
    );
    // Before the fix the caller was cut after 69 instant rounds (2 s): still there 3 rounds later.
    const since = Date.now();
    await until(async () => Date.now() - since > 6000 && (await channels()), 'three rounds', 10_000);
    expect((await channels()).some((r) => r.uuid === fallback.uuid)).toBe(true);
    expect(await records()).toEqual([]);
    await api(`uuid_kill ${far}`);
    await until(async () => (await channels()).length === 0, 'no channel left');
    const { got, report } = await readBack();
    expect(report).toMatchObject({ records: 1, counted: 1, malformed: 0 });
    const c = got[0] as Extract<Command, { type: 'recordFallbackAbandon' }>;
    expect(c).toMatchObject({ type: 'recordFallbackAbandon', callId: fallback.uuid, line: '15' });
    expect(c.abandonedAt - c.arrivedAt).toBeGreaterThanOrEqual(5000);
  }, 30_000);
});
