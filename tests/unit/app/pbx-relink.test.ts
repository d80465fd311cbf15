// The PBX link's retry settings: defaults, bad values named, and the bounded backoff.
import { describe, expect, it } from 'vitest';
import { nextRetryMs, parsePbxRelink, PBX_RELINK } from '../../../src/app/pbx-relink.js';

describe('PBX relink settings', () => {
  it("defaults to ari-client's own reconnection, then 2 s doubled up to 30 s", () => {
    const errors: string[] = [];
    expect(parsePbxRelink({}, errors)).toEqual(PBX_RELINK);
    expect(errors).toEqual([]);
  });

  it('names every bad value', () => {
    const errors: string[] = [];
    parsePbxRelink(
      { ARI_WS_RETRIES: '0', ARI_WS_RETRY_MAX_MS: 'x', PBX_RETRY_MS: '5000', PBX_RETRY_MAX_MS: '1000' },
      errors,
    );
    expect(errors).toEqual([
      'ARI_WS_RETRIES: an integer from 1 to 1000',
      'ARI_WS_RETRY_MAX_MS: an integer from 100 to 600000 (ms)',
      'PBX_RETRY_MAX_MS: at least PBX_RETRY_MS',
    ]);
  });

  it('doubles the wait up to its cap', () => {
    const relink = { ...PBX_RELINK, retryMs: 200, retryMaxMs: 700 };
    const waits: number[] = [];
    let ms: number | null = null;
    for (let i = 0; i < 5; i++) waits.push((ms = nextRetryMs(relink, ms)));
    expect(waits).toEqual([200, 400, 700, 700, 700]);
  });
});
