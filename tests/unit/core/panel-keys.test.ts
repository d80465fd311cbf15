// The panel's key map per site: today's keys by default, a site's overrides in its configuration,
// refused with a clear message when a key is not a bare printable key, when two live actions share
// it, or when it takes an N2 disposition digit; served to the browser by /web-config.json.
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { panelKeyMaps } from '../../../src/core/panel-keys.js';
import { webSite } from '../../../src/app/web-config.js';
import { initialState } from '../../../src/core/state.js';
import type { SiteHandle } from '../../../src/ports/site-handle.js';

const withKeys = (panelKeys: unknown) => parseSiteConfig({ ...structuredClone(exampleSite), panelKeys });

describe('panel keys per site', () => {
  it('defaults to today’s map', () => {
    const m = panelKeyMaps();
    expect(m.desk).toEqual({ c: 'login', d: 'ready', p: 'pause', Enter: 'answer', u: 'mute' });
    expect(m.n1).toMatchObject({ '1': 'P1', '2': 'P2', n: 'field-name', a: 'warm', f: 'target' });
    expect(m.n2).toEqual({
      v: 'forward',
      f: 'reorient',
      m: 'doctor',
      r: 'hangup',
      e: 'consult',
      x: 'outside',
    });
    // The blind outside transfer: X at N1 and N2 (confirmed by X again in its dialog).
    expect(m.n1.x).toBe('outside');
    expect(m.consult).toEqual({ t: 'consult-complete', '3': 'consult-conference', r: 'consult-cancel' });
    // A blind outside transfer ringing: Échap takes it back.
    expect(m.handover).toEqual({ Escape: 'outside-cancel' });
  });

  it('takes a site’s overrides (letters in lower case) and serves them in /web-config.json', () => {
    const parsed = withKeys({ n1: { P1: 'Q', P2: 'w' }, n2: { forward: 't' } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const site = { siteId: '44', state: initialState(parsed.config) } as unknown as SiteHandle;
    const keys = webSite(site)!.keys;
    expect(keys.n1).toMatchObject({ q: 'P1', w: 'P2', '0': 'P0' });
    expect(keys.n1['1']).toBeUndefined();
    expect(keys.n2).toMatchObject({ t: 'forward' });
  });

  it.each([
    [{ n1: { P1: 'F1' } }, 'panelKeys.n1.P1'],
    [{ n1: { P1: ' ' } }, 'panelKeys.n1.P1'],
    [{ n1: { explode: 'x' } }, 'panelKeys.n1'],
    [{ n3: {} }, 'panelKeys'],
    [{ n1: { P1: 'r' } }, '"r" is both P1 and hangup at n1'],
    [{ n1: { P1: 'c' } }, '"c" is both login and P1 at n1'],
    [{ n2: { forward: '5' } }, '"5" (forward) is an N2 disposition digit'],
    [{ n2: { outside: 'e' } }, '"e" is both consult and outside at n2'],
    [{ n1: { outside: 'Enter' } }, '"Enter" is both answer and outside at n1'],
    [{ consult: { 'consult-cancel': 't' } }, '"t" is both consult-complete and consult-cancel at consult'],
    [{ handover: { 'outside-cancel': 'p' } }, '"p" is both pause and outside-cancel at handover'],
    [{ handover: { 'outside-cancel': 'Tab' } }, 'panelKeys.handover.outside-cancel'],
  ])('refuses %j', (panelKeys, message) => {
    const parsed = withKeys(panelKeys);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join('\n')).toContain(message);
  });
});
