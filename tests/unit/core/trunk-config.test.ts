// Trunk capacity in the site configuration, the refusal argument the dialplan passes, and
// sim-pbx's --trunk-channels: validated, bad input named (docs/trunks.md).
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { refusalOf } from '../../../src/telephony/ari/trunk-refusal.js';
import { parseTrunkChannels } from '../../../simulator/pbx/trunk-limit.js';

const withTrunks = (trunks: unknown) => parseSiteConfig({ ...structuredClone(exampleSite), trunks });

describe('trunk capacity', () => {
  it('is kept per line of the site', () => {
    const parsed = withTrunks({ '15': { channels: 30 } });
    expect(parsed.ok && parsed.config.trunks).toEqual({ '15': { channels: 30 } });
  });

  it.each([
    [{ '15': { channels: 0 } }, 'trunks.15.channels'],
    [{ '15': { channels: 2, spare: 1 } }, 'trunks.15'],
    [{ nope: { channels: 2 } }, 'trunks.nope'],
  ])('refuses %j, naming %s', (trunks, path) => {
    const parsed = withTrunks(trunks);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.some((e) => e.startsWith(`${path}:`))).toBe(true);
  });

  it('reads the refusal among the Stasis arguments', () => {
    expect(refusalOf(['refused=trunk-full'])).toBe('trunk-full');
    expect(refusalOf(['origin=85', 'refused=trunk-full'])).toBe('trunk-full');
    expect(refusalOf(['refused=<script>'])).toBe('unknown');
    expect(refusalOf(['queue=n1'])).toBeNull();
  });

  it('parses sim-pbx --trunk-channels and names a bad part', () => {
    expect(parseTrunkChannels('15=30, 116117=10')).toEqual({ '15': 30, '116117': 10 });
    expect(parseTrunkChannels('')).toEqual({});
    expect(() => parseTrunkChannels('15=0')).toThrow(/"15=0"/);
    expect(() => parseTrunkChannels('15')).toThrow(/"15"/);
  });
});
