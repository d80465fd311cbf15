import { describe, expect, it } from 'vitest';
import { rendezvousOwner } from '../../../src/store/fleet-membership.js';

const sites = Array.from({ length: 300 }, (_, i) => `site${i}`);

describe('rendezvous placement of sites over processes', () => {
  it('gives every site one owner, the same whatever the order of the members', () => {
    for (const site of sites.slice(0, 20)) {
      expect(rendezvousOwner(site, ['a', 'b', 'c'])).toBe(rendezvousOwner(site, ['c', 'a', 'b']));
    }
    expect(rendezvousOwner('44', [])).toBeUndefined();
  });

  it('spreads the sites, and moves only the sites of a member that goes', () => {
    const before = new Map(sites.map((s) => [s, rendezvousOwner(s, ['a', 'b', 'c'])]));
    const counts = ['a', 'b', 'c'].map((m) => [...before.values()].filter((o) => o === m).length);
    for (const n of counts) expect(n).toBeGreaterThan(70); // 100 each on average
    const after = new Map(sites.map((s) => [s, rendezvousOwner(s, ['a', 'c'])]));
    for (const site of sites) if (before.get(site) !== 'b') expect(after.get(site)).toBe(before.get(site));
    const fromB = sites.filter((s) => before.get(s) === 'b');
    expect(new Set(fromB.map((s) => after.get(s)))).toEqual(new Set(['a', 'c']));
  });
});
