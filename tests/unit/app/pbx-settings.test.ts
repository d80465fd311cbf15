// ARI_REST_TIMEOUT_MS (src/telephony/ari/rest-timeout.ts) read with the other PBX settings.
import { describe, expect, it } from 'vitest';
import { parsePbxSettings } from '../../../src/app/pbx.js';
import { ARI_REST_TIMEOUT_MS } from '../../../src/telephony/ari/rest-timeout.js';

const env = { ARI_URL: 'http://pbx:8088', ARI_USER: 'u', ARI_PASSWORD: 'p' };

describe('the ARI request bound', () => {
  it('defaults to ARI_REST_TIMEOUT_MS and takes an integer of at least 100 ms', () => {
    const errors: string[] = [];
    const byDefault = parsePbxSettings(env, undefined, errors);
    const given = parsePbxSettings({ ...env, ARI_REST_TIMEOUT_MS: '2500' }, undefined, errors);
    expect(errors).toEqual([]);
    expect(byDefault?.kind === 'asterisk' && byDefault.ari.restTimeoutMs).toBe(ARI_REST_TIMEOUT_MS);
    expect(given?.kind === 'asterisk' && given.ari.restTimeoutMs).toBe(2500);
  });

  it('refuses anything else, by name', () => {
    for (const bad of ['50', '1.5', 'ten', '']) {
      const errors: string[] = [];
      expect(parsePbxSettings({ ...env, ARI_REST_TIMEOUT_MS: bad }, undefined, errors)).toBeNull();
      expect(errors).toEqual(['ARI_REST_TIMEOUT_MS: an integer of at least 100 (ms)']);
    }
  });
});
