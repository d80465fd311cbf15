// Partners named in the panel: /web-config.json sends each partner's name and destination (nothing
// else of the site's configuration), and the panel's words name a partner dialed by its number as
// they name the usual numbers (« le 0240000085 (SAS 85) en ligne »).
import { describe, expect, it } from 'vitest';
import { webSite } from '../../../src/app/web-config.js';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { initialState } from '../../../src/core/state.js';
import type { SiteHandle } from '../../../src/ports/site-handle.js';
import { dialablePartners, numberName } from '../../../web/src/panel/number-names.js';

function siteWith(partners: unknown) {
  const parsed = parseSiteConfig({ ...structuredClone(exampleSite), partners });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return webSite({ siteId: '44', state: initialState(parsed.config) } as unknown as SiteHandle)!;
}

describe('partners named in the panel', () => {
  it('/web-config.json sends each partner’s id, name and destination, nothing more', () => {
    const site = siteWith([
      { id: '85', name: 'SAS 85', destination: '02 40 00 00 85' },
      { id: '49', name: 'SAS 49', destination: 'partner-sas-49' },
    ]);
    expect(site.partners).toEqual([
      { id: '85', name: 'SAS 85', destination: '02 40 00 00 85' },
      { id: '49', name: 'SAS 49', destination: 'partner-sas-49' },
    ]);
    for (const p of site.partners) expect(Object.keys(p).sort()).toEqual(['destination', 'id', 'name']);
  });

  it('names a partner dialed by number, as the usual numbers are; a dialplan destination is not a number', () => {
    const { partners } = siteWith([
      { id: '85', name: 'SAS 85', destination: '02 40 00 00 85' },
      { id: '49', name: 'SAS 49', destination: 'partner-sas-49' },
    ]);
    expect(numberName('0240000085', partners)).toBe('0240000085 (SAS 85)');
    expect(numberName('18', partners)).toBe('18 (pompiers)');
    expect(numberName('0612345678', partners)).toBe('0612345678');
    expect(numberName('0240000085')).toBe('0240000085'); // no partner known: the bare number
    expect(numberName('partner-sas-49', partners)).toBe('partner-sas-49');
    expect(dialablePartners(partners)).toEqual([{ number: '0240000085', name: 'SAS 85' }]);
  });
});
