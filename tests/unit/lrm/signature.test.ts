// The webhook signature: HMAC-SHA256 over `<timestamp>.<body>`; any change to the body, the
// timestamp or the secret fails; an old timestamp fails (replay).
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../../src/lrm/signature.js';
import { callRef, CALL_REF } from '../../../src/lrm/call-ref.js';

const NOW = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('webhook signature', () => {
  it('verifies what was signed, and nothing else', () => {
    const header = sign('s3cret-s3cret-s3cret', '{"a":1}', NOW);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify('s3cret-s3cret-s3cret', header, '{"a":1}', NOW + 1000)).toEqual({ ok: true });
    expect(verify('s3cret-s3cret-s3cret', header, '{"a":2}', NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify('other-secret-xxxxxxx', header, '{"a":1}', NOW)).toEqual({ ok: false, reason: 'mismatch' });
    const forged = header.replace(/^t=\d+/, `t=${NOW / 1000 + 1}`);
    expect(verify('s3cret-s3cret-s3cret', forged, '{"a":1}', NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify('s3cret-s3cret-s3cret', header, '{"a":1}', NOW + 301_000)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verify('s3cret-s3cret-s3cret', undefined, '{"a":1}', NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('public call reference', () => {
  it('is stable, per site, and shaped as documented', () => {
    expect(callRef('44', 'chan-1')).toBe(callRef('44', 'chan-1'));
    expect(callRef('44', 'chan-1')).not.toBe(callRef('85', 'chan-1'));
    expect(callRef('44', 'chan-1')).not.toBe(callRef('44', 'chan-2'));
    expect(callRef('44', 'chan-1')).toMatch(CALL_REF);
    expect(callRef('44', 'chan-1')).not.toContain('chan');
  });
});
