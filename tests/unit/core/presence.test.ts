// Minimum presence as configuration (role, branch, stage, hours, minimum), defaults from annex 1
// II.b ("Filière AMU : la présence d’ARM et d’au moins un médecin urgentiste à tout moment en
// H24 ; Filière MG : la présence en journée des opérateurs de soins non programmés (OSNP), ainsi
// que la disponibilité d’au moins un médecin généraliste"): alarms raised and cleared by the engine.
/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { TestSite, exampleConfig } from './harness.js';

/** Monday 2 March 2026 at h:m Paris (UTC+1). */
const monday = (h: number, m = 0) => Date.UTC(2026, 2, 2, h - 1, m);
const presenceAlarms = (s: TestSite) =>
  Object.keys(s.state.data.alarms)
    .filter((id) => id.startsWith('presence:'))
    .sort();

describe('minimum presence, annex 1 defaults', () => {
  it('wants an N2 AMU ARM around the clock, not only in SAS hours', () => {
    const s = new TestSite(exampleConfig(), monday(21)); // PDSA hours
    s.login('arm-1', 'mru-1');
    // OSNP and GP regulator are daytime rules: not wanted at 21:00; the N2 AMU ARM is.
    expect(presenceAlarms(s)).toEqual(['presence:n2-amu-arm']);
    expect(s.state.data.alarms['presence:n2-amu-arm']!.message).toBe(
      'Présence insuffisante : aucun ARM (niveau 2 filière AMU) connecté, H24',
    );
    s.login('arm-4'); // the ARM coordonnateur serves N1 and N2 AMU: counts for N2 AMU too
    expect(presenceAlarms(s)).toEqual([]);
    s.ok({ type: 'agentLogout', agentId: 'arm-4' });
    expect(presenceAlarms(s)).toEqual(['presence:n2-amu-arm']);
  });

  it('wants OSNPs in the daytime only, and clears the alarm when PDSA hours begin', () => {
    const s = new TestSite(exampleConfig(), monday(19, 59));
    s.login('arm-1', 'arm-5', 'mru-1', 'mrg-1');
    expect(presenceAlarms(s)).toEqual(['presence:osnp']);
    const events = s.advance(60);
    expect(events.find((e) => e.type === 'PeriodChanged')).toMatchObject({ period: 'pdsa' });
    expect(events.find((e) => e.type === 'AlarmCleared')).toMatchObject({ alarmId: 'presence:osnp' });
    expect(presenceAlarms(s)).toEqual([]);
  });

  it('does not count an agent paused as absent, nor one logged in elsewhere as present', () => {
    const s = new TestSite(exampleConfig(), monday(21));
    s.login('arm-1', 'arm-5', 'mru-1');
    s.ok({ type: 'agentPause', agentId: 'arm-5', reason: 'pause' });
    expect(presenceAlarms(s)).toEqual([]);
    // arm-5 moved to N1 only: no N2 AMU ARM any more.
    s.ok({ type: 'moveAgent', agentId: 'arm-5', skills: [{ queue: 'n1', preference: 1 }] });
    expect(presenceAlarms(s)).toEqual(['presence:n2-amu-arm']);
  });
});

describe('minimum presence as configuration', () => {
  const withPresence = (presence: unknown[]) => {
    const raw = structuredClone(exampleSite) as Record<string, any>;
    raw.presence = presence;
    return raw;
  };

  it('applies the site rules: minimum, hours, role and branch, and nothing else', () => {
    const parsed = parseSiteConfig(
      withPresence([
        { id: 'n1', role: 'arm', stage: 'n1', minimum: 2 },
        { id: 'mrg-pdsa', role: 'mrg', branch: 'mg', hours: 'pdsa' },
      ]),
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const s = new TestSite(parsed.config, monday(10));
    expect(presenceAlarms(s)).toEqual(['presence:n1']); // no MRU rule; the PDSA rule sleeps
    expect(s.state.data.alarms['presence:n1']!.message).toBe(
      'Présence insuffisante : moins de 2 ARM (niveau 1) connecté, H24',
    );
    s.login('arm-1');
    expect(presenceAlarms(s)).toEqual(['presence:n1']); // 1 of 2
    s.login('arm-2');
    expect(presenceAlarms(s)).toEqual([]);
    s.advance(10 * 3600); // 20:00: PDSA hours
    expect(presenceAlarms(s)).toEqual(['presence:mrg-pdsa']);
  });

  it('clears the alarm of a rule a new configuration removes', () => {
    const s = new TestSite(exampleConfig(), monday(10));
    expect(presenceAlarms(s)).toContain('presence:osnp');
    const parsed = parseSiteConfig(withPresence([{ id: 'n1', role: 'arm', stage: 'n1' }]));
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    s.ok({ type: 'replaceConfig', config: parsed.config });
    expect(presenceAlarms(s)).toEqual(['presence:n1']);
  });

  it('refuses a rule no queue could ever meet, a duplicate id, a minimum below 1', () => {
    const r = parseSiteConfig(
      withPresence([
        { id: 'x', role: 'osnp', stage: 'n1' },
        { id: 'mru', role: 'mru' },
        { id: 'mru', role: 'mru' },
      ]),
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        'presence: duplicate id "mru"',
        'presence.0: no queue n1 is served by osnp; the rule could never be met',
      ]);
    expect(parseSiteConfig(withPresence([{ id: 'z', role: 'arm', minimum: 0 }])).ok).toBe(false);
  });
});
