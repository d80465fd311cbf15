// The dependencies' health on their own: free space of a real directory (statfs) against the
// threshold, an unreadable storage shown as bad, the PBX round trip or its failure (on FreeSWITCH
// `api status` on the event socket, drachtio's link apart, a standby said as such), and the
// settings refusing bad values with a clear message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { DependencyHealth, parseDependencySettings } from '../../../src/observability/dependency-health.js';
import { fsProbe, type FsLink } from '../../../src/observability/freeswitch-round-trip.js';

const dir = mkdtempSync(join(tmpdir(), 'sas-acd-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gauge = (text: string, name: string) => {
  const m = new RegExp(`^${name}\\{site="44"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

describe('dependency health', () => {
  it('measures the recording storage: ok above the threshold, low below it, bad when unreadable', async () => {
    const ok = await new DependencyHealth({ siteId: '44', storage: { dir, minFreeRatio: 0 } }).storage();
    expect(ok).toMatchObject({ dir, ok: true, low: false, error: null });
    expect(ok!.freeBytes).toBeGreaterThan(0);
    expect(ok!.totalBytes).toBeGreaterThanOrEqual(ok!.freeBytes!);
    // A threshold above the disk's real free share: low (no disk is 100 % free).
    const low = new DependencyHealth({ siteId: '44', storage: { dir, minFreeRatio: 0.99999999 } });
    expect(await low.storage()).toMatchObject({ ok: false, low: true, error: null });
    const gone = await new DependencyHealth({
      siteId: '44',
      storage: { dir: join(dir, 'not-mounted'), minFreeRatio: 0.1 },
    }).storage();
    expect(gone).toMatchObject({ ok: false, low: true, freeBytes: null, error: 'ENOENT' });

    const registry = new Registry();
    low.registerMetrics(registry);
    const text = await registry.metrics();
    expect(gauge(text, 'sas_acd_recording_storage_low')).toBe(1);
    expect(gauge(text, 'sas_acd_recording_storage_free_bytes')).toBeGreaterThan(0);
    expect(gauge(text, 'sas_acd_recording_storage_free_ratio')).toBeLessThan(1);
    // No storage configured: no gauge, and null on the API.
    expect(await new DependencyHealth({ siteId: '44' }).storage()).toBeNull();
  });

  it('reports the PBX round trip, or its failure (-1 on /metrics)', async () => {
    const up = new DependencyHealth({ siteId: '44', pbxRoundTripMs: () => Promise.resolve(12.34) });
    expect(await up.pbx()).toEqual({
      kind: null,
      drachtioConnected: null,
      standby: false,
      measured: true,
      ok: true,
      roundTripMs: 12.3,
      error: null,
      errorCode: null,
    });
    // Node's fetch says only "fetch failed"; the cause says why: kept as a code and in the detail.
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8088'), { code: 'ECONNREFUSED' }),
    });
    const down = new DependencyHealth({ siteId: '44', pbxRoundTripMs: () => Promise.reject(refused) });
    expect(await down.pbx()).toEqual({
      kind: null,
      drachtioConnected: null,
      standby: false,
      measured: true,
      ok: false,
      roundTripMs: null,
      error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:8088',
      errorCode: 'refused',
    });
    const registry = new Registry();
    down.registerMetrics(registry);
    expect(gauge(await registry.metrics(), 'sas_acd_pbx_round_trip_seconds')).toBe(-1);
    expect(await new DependencyHealth({ siteId: '44' }).pbx()).toMatchObject({ measured: false });
  });

  it('on FreeSWITCH: api status on the event socket, drachtio apart, nothing sent on a closed socket, a standby said', async () => {
    const sent: string[] = [];
    let answer: (command: string) => Promise<string> = () =>
      Promise.resolve('UP 0 years, 0 days\n0 session(s)\n');
    const link: FsLink = {
      links: { drachtio: true, eventSocket: true },
      eslApi: (command: string) => {
        sent.push(command);
        return answer(command);
      },
    };
    let leads = true;
    let current: FsLink | null = link;
    const fs = new DependencyHealth({
      siteId: '44',
      pbxKind: 'freeswitch',
      fs: fsProbe(
        () => leads,
        () => current,
      ),
    });
    const registry = new Registry();
    fs.registerMetrics(registry);

    const up = await fs.pbx();
    expect(up).toMatchObject({
      kind: 'freeswitch',
      measured: true,
      ok: true,
      drachtioConnected: true,
      standby: false,
    });
    expect(up.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(sent).toEqual(['status']);
    let text = await registry.metrics();
    expect(gauge(text, 'sas_acd_pbx_round_trip_seconds')).toBeGreaterThanOrEqual(0);
    expect(gauge(text, 'sas_acd_drachtio_connected')).toBe(1);

    // drachtio lost, the event socket still answering: both said apart.
    link.links.drachtio = false;
    expect(await fs.pbx()).toMatchObject({ ok: true, drachtioConnected: false });
    await new Promise((r) => setTimeout(r, 150)); // past the scrape's shared measure
    expect(gauge(await registry.metrics(), 'sas_acd_drachtio_connected')).toBe(0);

    // The event socket closed: not ok, `down`, and no command queued on it.
    link.links.eventSocket = false;
    sent.length = 0;
    expect(await fs.pbx()).toMatchObject({
      measured: true,
      ok: false,
      roundTripMs: null,
      errorCode: 'down',
      error: 'FreeSWITCH event socket not connected',
    });
    expect(sent).toEqual([]);

    // A FreeSWITCH that never answers: a timeout within the bound, not a hang.
    link.links.eventSocket = true;
    answer = () => new Promise(() => undefined);
    const hung = await fs.pbx();
    expect(hung).toMatchObject({ ok: false, errorCode: 'timeout' });

    // A leader whose link is being made: not ok, no link yet.
    current = null;
    expect(await fs.pbx()).toMatchObject({
      measured: true,
      ok: false,
      errorCode: 'down',
      drachtioConnected: null,
    });

    // A standby holds no link: said as such, not a failure, and no series on /metrics.
    leads = false;
    expect(await fs.pbx()).toEqual({
      kind: 'freeswitch',
      measured: false,
      ok: true,
      roundTripMs: null,
      error: null,
      errorCode: null,
      drachtioConnected: null,
      standby: true,
    });
    await new Promise((r) => setTimeout(r, 150));
    text = await registry.metrics();
    expect(gauge(text, 'sas_acd_pbx_round_trip_seconds')).toBeNull();
    expect(gauge(text, 'sas_acd_drachtio_connected')).toBeNull();
  });

  it('reads its settings and refuses bad ones, naming the variable', () => {
    const errors: string[] = [];
    expect(
      parseDependencySettings(
        {
          RECORDING_STORAGE_DIR: '/var/spool/asterisk/recording',
          RECORDING_STORAGE_MIN_FREE: '0.2',
          ANSWER_RATE_MIN: '0.85',
        },
        errors,
      ),
    ).toEqual({
      recordingStorage: { dir: '/var/spool/asterisk/recording', minFreeRatio: 0.2 },
      minAnswerRate: 0.85,
    });
    expect(errors).toEqual([]);
    parseDependencySettings(
      { RECORDING_STORAGE_DIR: 'relative', RECORDING_STORAGE_MIN_FREE: '2', ANSWER_RATE_MIN: 'x' },
      errors,
    );
    expect(errors).toHaveLength(3);
    for (const name of ['RECORDING_STORAGE_DIR', 'RECORDING_STORAGE_MIN_FREE', 'ANSWER_RATE_MIN'])
      expect(errors.some((e) => e.startsWith(name))).toBe(true);
  });
});
