// The FreeSWITCH telephony bench runs end to end and reports both backends and its baseline
// (figures, never timed assertions: speed goals live in the bench itself).
import { describe, expect, it } from 'vitest';
import '../../../src/bench/all.js';
import { benches } from '../../../src/bench/registry.js';

describe('bench telephony --pbx freeswitch', () => {
  it('measures arrival → ring on FreeSWITCH beside Asterisk, with the bare drachtio-srf baseline', async () => {
    const r = await benches['telephony-freeswitch']!.run({ quick: true });
    expect(r.calls).toBe(60);
    expect(r.measured).toBeGreaterThan(0);
    for (const k of ['p99ArrivalToRingMs', 'asteriskP99ArrivalToRingMs', 'baselineP99InviteToSrfMs'])
      expect(typeof r[k]).toBe('number');
  }, 120_000);
});
