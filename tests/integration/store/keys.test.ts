import { describe, expect, it } from 'vitest';
import { siteKeys } from '../../../src/store/keys.js';

describe('site keys', () => {
  it('puts every key of a site under the same hash tag', () => {
    const keys = siteKeys('44');
    const all = Object.values(keys).map((k) => (typeof k === 'string' ? k : k(3600_000)));
    for (const key of all) expect(key.startsWith('sas:{44}:')).toBe(true);
    expect(keys.events).toBe('sas:{44}:events');
  });

  it('refuses a site id that would break the hash tag', () => {
    for (const bad of ['', '4}4', '{44', 'a:b', 'with space', 'x'.repeat(65)]) {
      expect(() => siteKeys(bad)).toThrow(/invalid site id/);
    }
  });
});
