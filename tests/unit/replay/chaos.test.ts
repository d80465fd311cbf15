// `--chaos` specs: what each fault means, and every bad spec refused with what is wrong.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARI_OUTAGE_S, parseChaos } from '../../../simulator/replay/chaos.js';

describe('parseChaos', () => {
  it('reads the three faults, several times each, the outage with or without its length', () => {
    expect(parseChaos(['kill-acd-at=20,60', 'restart-redis-at=30', 'drop-ari-at=8:10,90'], false)).toEqual({
      killAcdAt: [20, 60],
      restartRedisAt: [30],
      dropAriAt: [
        { at: 8, forSeconds: 10 },
        { at: 90, forSeconds: DEFAULT_ARI_OUTAGE_S },
      ],
    });
  });

  it('allows only the link cut against a running system (--acd/--pbx)', () => {
    expect(parseChaos(['drop-ari-at=5:2'], true).dropAriAt).toEqual([{ at: 5, forSeconds: 2 }]);
    expect(() => parseChaos(['kill-acd-at=5'], true)).toThrow(/own stack/);
    expect(() => parseChaos(['restart-redis-at=5'], true)).toThrow(/own stack/);
  });

  it.each([
    ['crash-at=5', /expected kill-acd-at/],
    ['kill-acd-at', /expected kill-acd-at/],
    ['kill-acd-at=soon', /"soon" is not a number/],
    ['restart-redis-at=-1', /"-1" is not a number/],
    ['drop-ari-at=5:0', /more than 0 s/],
    ['drop-ari-at=5:x', /"x" is not a number/],
  ])('refuses %s', (spec, message) => {
    expect(() => parseChaos([spec], false)).toThrow(message);
  });
});
