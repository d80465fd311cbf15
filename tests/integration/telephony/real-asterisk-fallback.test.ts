// The dialplan fallback's marks on a REAL Asterisk 22 (asterisk-config/ with pjsip-loadtest.conf):
// with no ACD connected, a sipp caller on the 15 reaches [sasacd-fallback], the group (pointed at a
// sipp phone through ARI) answers, [sasacd-fallback-answered] writes the AstDB record; the ACD's
// reader (src/telephony/ari/fallback-records.ts) then reads it, the engine counts it once,
// labelled fallback, and the next read deletes it. Two sites on this Asterisk: a call to another
// site's application (SASACD_APP) is recorded in that site's own AstDB family, which the first
// site's reader never sees and the other site's reader counts. Same switches as real-asterisk.test.ts: runs
// only when ARI_URL and ASTERISK_SIP are set and sipp is installed, reported as skipped otherwise.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import {
  FALLBACK_FAMILY,
  FallbackRecords,
  fallbackFamily,
} from '../../../src/telephony/ari/fallback-records.js';
import { indicate, valuesOf } from '../../unit/indicators/drive.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { expectCleanPbx, type PbxAccess } from './pbx-hygiene.js';

const env = process.env;
const enabled =
  Boolean(env.ARI_URL && env.ASTERISK_SIP) &&
  spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error === undefined;
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const pbx: PbxAccess = {
  ariUrl: env.ARI_URL ?? '',
  user: env.ARI_USER ?? 'sasacd',
  password: env.ARI_PASSWORD ?? '',
};
const RING_MS = 1500;

describe.skipIf(!enabled)('the dialplan fallback on a real Asterisk, counted by the ACD', () => {
  const children: ChildProcess[] = [];
  let group: string | null = null;
  const ari = async <T>(method: string, path: string): Promise<T> => {
    const auth = Buffer.from(`${pbx.user}:${pbx.password}`).toString('base64');
    const r = await fetch(`${pbx.ariUrl}/ari${path}`, {
      method,
      headers: { authorization: `Basic ${auth}` },
    });
    if (!r.ok) throw new Error(`${method} /ari${path}: ${r.status}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
  const setGlobal = (name: string, value: string) =>
    ari('POST', `/asterisk/variable?variable=${name}&value=${encodeURIComponent(value)}`);
  const setGroup = (value: string) => setGlobal('N1_FALLBACK', value);
  let app: string | null = null;

  afterAll(async () => {
    if (group !== null) await setGroup(group);
    if (app !== null) await setGlobal('SASACD_APP', app);
    for (const c of children) c.kill('SIGTERM');
  });

  /** A sipp caller on the 15 answered by the group's sipp phone after RING_MS; resolves once it is gone. */
  async function fallbackCall(): Promise<void> {
    const host = env.SIPP_HOST ?? '127.0.0.1';
    const phone = spawn(
      'sipp',
      ['-sf', 'simulator/sipp/agent-phone.xml', '-i', host, '-p', '5080', '-set', 'ring_ms', String(RING_MS)],
      { stdio: 'ignore' },
    );
    children.push(phone);
    await new Promise((r) => setTimeout(r, 300)); // the phone's socket bound
    const caller = spawn(
      'sipp',
      ['-sf', 'simulator/sipp/caller-15.xml', '-s', '15', '-m', '1', '-aa', '-i', host, '-p', '5071'].concat([
        '-set',
        'patience_ms',
        '4000',
        env.ASTERISK_SIP!,
      ]),
      { stdio: 'ignore' },
    );
    children.push(caller);
    await new Promise<void>((resolve) => caller.once('exit', () => resolve()));
    // Gone before the next call's phone binds the same port.
    const gone = new Promise<void>((resolve) => phone.once('exit', () => resolve()));
    phone.kill('SIGTERM');
    await gone;
  }

  const readerOf = (site: SiteShell, family?: string) =>
    new FallbackRecords({
      url: pbx.ariUrl,
      user: pbx.user,
      password: pbx.password,
      ...(family ? { family } : {}),
      submit: (c) => site.dispatch(c),
      active: () => true,
      logger: silent,
    });

  // Records left by an earlier run (stopped half-way, or calls to the lab's 15 with no ACD) would
  // be counted here: the default family is emptied first, by a reader on a throwaway site (each
  // read deletes what the one before took, whatever it was), until a read finds nothing.
  beforeAll(async () => {
    const site = await SiteShell.start({ config: exampleConfig(), logger: silent });
    try {
      const reader = readerOf(site, FALLBACK_FAMILY);
      let left = -1;
      for (let i = 0; i < 10 && left !== 0; i++) left = (await reader.poll()).records;
      expect(left, `${FALLBACK_FAMILY} emptied before the tests`).toBe(0);
    } finally {
      await site.stop();
    }
  }, 60_000);

  it('marks the call the group answered; the reader counts it once and deletes the record', async () => {
    // No ACD is connected here (this file starts none): the call finds no Stasis app.
    group = (await ari<{ value: string }>('GET', '/asterisk/variable?variable=N1_FALLBACK')).value;
    await setGroup('PJSIP/load-agent-1');
    const started = Date.now();
    await fallbackCall();

    const events: Event[] = [];
    const config = exampleConfig();
    const site = await SiteShell.start({ config, logger: silent });
    site.onEvents((e) => events.push(...e));
    const reader = readerOf(site);
    try {
      expect(await reader.poll()).toMatchObject({ records: 1, counted: 1, malformed: 0 });
      expect(await reader.poll()).toEqual({ records: 0, counted: 0, refused: 0, malformed: 0 });
      const counted = events.filter((e) => e.type === 'FallbackCallCounted');
      expect(counted).toHaveLength(1);
      const c = counted[0]!;
      expect(c).toMatchObject({ line: '15', phone: 'load-agent-1' });
      // Timed by Asterisk from the entry into the dialplan to the phone's answer (it rings 1.5 s).
      expect(c.sinceArrivalMs).toBeGreaterThanOrEqual(RING_MS);
      expect(c.sinceArrivalMs).toBeLessThan(10_000);
      expect(c.arrivedAt).toBeGreaterThanOrEqual(started - 1000);
      const label = new Date(c.arrivedAt).getUTCFullYear().toString();
      const v = valuesOf(indicate(config, events), 'year', label).all;
      expect(v).toMatchObject({ 'calls.answered': 1, 'calls.fallbackAnswered': 1, 'calls.qs30': 1 });
    } finally {
      await site.stop();
    }
    await expectCleanPbx(pbx, { within: 10_000 });
  }, 60_000);

  it("records another site's call in that site's family only: each site's reader sees its own", async () => {
    group ??= (await ari<{ value: string }>('GET', '/asterisk/variable?variable=N1_FALLBACK')).value;
    await setGroup('PJSIP/load-agent-1');
    app = (await ari<{ value: string }>('GET', '/asterisk/variable?variable=SASACD_APP')).value;
    // The number of site B sets SASACD_APP (asterisk-config/README.md, "Several sites"): the global
    // stands in for it here, so that the lab's 15 enters site B's application.
    const appB = `sasacd-lab-b-${Date.now()}`;
    await setGlobal('SASACD_APP', appB);
    try {
      await fallbackCall();
    } finally {
      await setGlobal('SASACD_APP', app);
    }
    const [a, b] = [
      await SiteShell.start({ config: exampleConfig(), logger: silent }),
      await SiteShell.start({ config: exampleConfig(), logger: silent }),
    ];
    const eventsOf = (site: SiteShell) => {
      const events: Event[] = [];
      site.onEvents((e) => events.push(...e));
      return events;
    };
    const [eventsA, eventsB] = [eventsOf(a), eventsOf(b)];
    try {
      // Site A (the default application's family) never sees B's record.
      expect(await readerOf(a).poll()).toEqual({ records: 0, counted: 0, refused: 0, malformed: 0 });
      const readerB = readerOf(b, fallbackFamily(appB));
      expect(await readerB.poll()).toMatchObject({ records: 1, counted: 1, malformed: 0 });
      expect(await readerB.poll()).toEqual({ records: 0, counted: 0, refused: 0, malformed: 0 });
      expect(eventsA.filter((e) => e.type === 'FallbackCallCounted')).toEqual([]);
      expect(eventsB.filter((e) => e.type === 'FallbackCallCounted')).toEqual([
        expect.objectContaining({ line: '15', phone: 'load-agent-1' }),
      ]);
    } finally {
      await a.stop();
      await b.stop();
    }
    await expectCleanPbx(pbx, { within: 10_000 });
  }, 60_000);
});
