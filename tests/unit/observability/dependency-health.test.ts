// The dependencies' health on their own: free space of a real directory (statfs) against the
// threshold, an unreadable storage shown as bad, the PBX round trip or its failure, and the
// settings refusing bad values with a clear message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { DependencyHealth, parseDependencySettings } from '../../../src/observability/dependency-health.js';

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
