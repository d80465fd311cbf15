// Annex 3 table 3 from a year computed by hand, driven through the real engine: every expected
// value comes with its arithmetic. Times are Paris local (January UTC+1, June UTC+2).
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import type { Event } from '../../../src/core/events.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { buildReport } from '../../../src/report/annex3-report.js';
import { TestSite, exampleConfig } from '../core/harness.js';
import { indicate } from './drive.js';

// Agents answer by hand, never time out and have no wrap-up: every duration is set by the test.
const manual = (c: Record<string, unknown>) => {
  for (const a of c.agents as {
    autoAnswer?: boolean;
    ringNoAnswerSeconds?: number;
    wrapUpSeconds?: number;
  }[]) {
    a.autoAnswer = false;
    a.ringNoAnswerSeconds = 0;
    a.wrapUpSeconds = 0;
  }
};
const config = exampleConfig(manual);

/** Monday 5 January 2026 (SAS hours), Paris UTC+1. */
const jan5 = (h: number, m: number, s = 0) => Date.UTC(2026, 0, 5, h - 1, m, s);
/** Saturday 13 June 2026 (PDSA hours from 12:00), Paris UTC+2. */
const jun13 = (h: number, m: number, s = 0) => Date.UTC(2026, 5, 13, h - 2, m, s);

function yearOfEvents(): Event[] {
  const log: Event[] = [];

  // c1, Monday 10:00 (SAS): N1 20 s, N2 AMU ARM 60 s, hospital regulator 100 s.
  const a = new TestSite(config, jan5(10, 0));
  a.login('arm-1', 'arm-5', 'mru-1', 'osnp-1', 'mrg-1');
  a.call('c1');
  a.advance(10);
  a.ok({ type: 'answerOffer', callId: 'c1', agentId: 'arm-1' }); // 10:00:10
  a.advance(20);
  a.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1' });
  a.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' }); // 10:00:30: arm-1 20 s
  a.advance(10);
  a.ok({ type: 'answerOffer', callId: 'c1', agentId: 'arm-5' }); // 10:00:40
  a.advance(60);
  a.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-5' }); // 10:01:40: arm-5 60 s
  a.advance(10);
  a.ok({ type: 'answerOffer', callId: 'c1', agentId: 'mru-1' }); // 10:01:50
  a.advance(100);
  // An AMU file ended "teleconsultation": not an MG decision, so not in item 8.
  a.ok({ type: 'hangUp', callId: 'c1', agentId: 'mru-1', disposition: 'teleconsultation' }); // mru 100 s

  // c2, 11:00 (SAS): a P0 the N1 ARM keeps, 120 s from its answer to the end.
  a.advance(3600 - 270); // 11:00:00
  a.call('c2');
  a.advance(5);
  a.ok({ type: 'answerOffer', callId: 'c2', agentId: 'arm-1' }); // 11:00:05
  a.advance(10);
  a.ok({ type: 'qualifyCall', callId: 'c2', agentId: 'arm-1', qualification: 'P0' }); // kept
  a.advance(110);
  a.ok({ type: 'hangUp', callId: 'c2', agentId: 'arm-1', disposition: 'envoi-moyens' }); // 11:02:05: 120 s

  // c3, 14:00 (SAS): a P2 with two OSNP legs (N2 40 s, N4 booking 50 s) and the GP regulator 90 s.
  a.advance(3 * 3600 - 125); // 14:00:00
  a.call('c3');
  a.ok({ type: 'answerOffer', callId: 'c3', agentId: 'arm-1' }); // 14:00:00
  a.advance(30);
  a.ok({ type: 'qualifyCall', callId: 'c3', agentId: 'arm-1', qualification: 'P2' });
  a.ok({ type: 'transferCall', callId: 'c3', agentId: 'arm-1' }); // 14:00:30: arm-1 30 s
  a.advance(10);
  a.ok({ type: 'answerOffer', callId: 'c3', agentId: 'osnp-1' }); // 14:00:40
  a.advance(40);
  a.ok({ type: 'transferCall', callId: 'c3', agentId: 'osnp-1', to: 'reg-mg' }); // 14:01:20: osnp 40 s
  a.advance(10);
  a.ok({ type: 'answerOffer', callId: 'c3', agentId: 'mrg-1' }); // 14:01:30
  a.advance(90);
  a.ok({ type: 'transferCall', callId: 'c3', agentId: 'mrg-1', to: 'book-mg' }); // 14:03:00: mrg 90 s
  a.advance(10);
  a.ok({ type: 'answerOffer', callId: 'c3', agentId: 'osnp-1' }); // 14:03:10
  a.advance(50);
  a.ok({ type: 'hangUp', callId: 'c3', agentId: 'osnp-1', disposition: 'orientation-urgences' }); // osnp 50 s

  // c5, 16:00 (SAS), one-level mode: the N1 ARM keeps a P2 (50 s) and books a teleconsultation.
  a.advance(2 * 3600 - 190); // 16:00:00
  a.ok({ type: 'setMode', mode: 'one-level' });
  a.call('c5');
  a.advance(10);
  a.ok({ type: 'answerOffer', callId: 'c5', agentId: 'arm-1' }); // 16:00:10
  a.ok({ type: 'qualifyCall', callId: 'c5', agentId: 'arm-1', qualification: 'P2' }); // kept
  a.advance(50);
  a.ok({ type: 'hangUp', callId: 'c5', agentId: 'arm-1', disposition: 'teleconsultation' }); // 50 s
  log.push(...a.log);

  // c4, Saturday 13 June 22:00 (PDSA hours): N1 25 s, a P2 to the PDSA regulation, GP regulator 45 s.
  const b = new TestSite(config, jun13(22, 0));
  b.login('arm-1', 'mrg-1');
  b.call('c4');
  b.ok({ type: 'answerOffer', callId: 'c4', agentId: 'arm-1' });
  b.advance(25);
  b.ok({ type: 'qualifyCall', callId: 'c4', agentId: 'arm-1', qualification: 'P2' });
  b.ok({ type: 'transferCall', callId: 'c4', agentId: 'arm-1' }); // to reg-pdsa (PDSA hours)
  b.advance(10);
  b.ok({ type: 'answerOffer', callId: 'c4', agentId: 'mrg-1' });
  b.advance(45);
  b.ok({ type: 'hangUp', callId: 'c4', agentId: 'mrg-1', disposition: 'visite-domicile' }); // mrg 45 s
  log.push(...b.log);
  return log;
}

const imports = [
  {
    kind: 'lrm' as const,
    period: '2026',
    item: 't3.15',
    scope: 'sas' as const,
    value: 42,
    source: 'LRM',
    line: 2,
  },
];

describe('annex 3 table 3 of a hand-computed year', () => {
  const log = yearOfEvents();
  const report = buildReport(indicate(config, log), { year: '2026' }, imports);
  const t3 = report.table3!;
  const byItem = (n: number) => t3.find((x) => x.item === n)!;
  const row = (id: string) => report.rows.find((r) => r.table === 'table 3' && r.item === id)!;

  it('has the 23 items of the annex, numbered 1–23, each with its source', () => {
    expect(t3.map((x) => x.item)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    const sources = t3.map((x) => x.source);
    expect(sources[0]).toBe('lrm-import'); // item 1: "Outils SI du SAMU (LRM)"
    expect(sources.slice(1, 8)).toEqual(Array(7).fill('mg-decisions'));
    expect(sources.slice(8, 13)).toEqual(Array(5).fill('telephony'));
    expect(sources.slice(13)).toEqual(Array(10).fill('lrm-import'));
  });

  it('computes items 9–13 per call taken by the role, kept and one-level calls in item 9', () => {
    // Item 9, SAS hours: c1 20 s + c2 (P0 kept) 120 s + c3 30 s + c5 (one-level) 50 s = 220 s / 4 calls = 55 s.
    expect(byItem(9)).toMatchObject({ value: 55, status: 'computed' });
    // Item 10: c1's N2 AMU ARM, 60 s / 1 call.
    expect(byItem(10)).toMatchObject({ value: 60, status: 'computed' });
    // Item 11: c3's OSNP legs 40 s + 50 s = 90 s on 1 call = 90 s (a per-leg mean would say 45 s).
    expect(byItem(11)).toMatchObject({ value: 90, status: 'computed' });
    // Item 12, SAS hours: c3's GP regulator 90 s / 1 call (c4's 45 s is in PDSA hours).
    expect(byItem(12)).toMatchObject({ value: 90, status: 'computed' });
    expect(row('t3.12')).toMatchObject({ sas: 90, pdsa: 45, h24: 67.5 }); // (90 + 45) / 2
    // Item 13: c1's hospital regulator 100 s / 1 call.
    expect(byItem(13)).toMatchObject({ value: 100, status: 'computed' });
    // Item 9 in PDSA hours: c4 25 s; 24 h: (220 + 25) / 5 = 49 s.
    expect(row('t3.9')).toMatchObject({ sas: 55, pdsa: 25, h24: 49 });
  });

  it('counts the MG decisions through the mapping, in the column the annex asks', () => {
    expect(byItem(2)).toMatchObject({ value: 1, status: 'computed' }); // c3 orientation-urgences
    expect(byItem(3)).toMatchObject({ value: 0, status: 'computed' }); // none
    expect(byItem(5)).toMatchObject({ value: 0, status: 'computed' }); // PDSA column: no consultation
    expect(byItem(6)).toMatchObject({ value: 1, status: 'computed' }); // PDSA column: c4 visite-domicile
    expect(row('t3.6')).toMatchObject({ sas: 0, pdsa: 1, h24: 1 });
    // Item 8: c5 (MG file kept in one-level mode) = 1; c1's AMU "teleconsultation" is not an MG decision.
    expect(byItem(8)).toMatchObject({ value: 1, status: 'computed' });
  });

  it('labels LRM items imported or not available, never computed', () => {
    expect(byItem(1)).toEqual({
      item: 1,
      label: expect.any(String),
      source: 'lrm-import',
      value: null,
      status: 'not-available',
    });
    expect(byItem(15)).toMatchObject({ value: 42, status: 'imported' });
    expect(byItem(23)).toMatchObject({ value: null, status: 'not-available' });
  });

  it("keeps sas-acd's own figures in a separate section", () => {
    const extra = report.rows.filter((r) => r.table === 'sas-acd (not in the annex)').map((r) => r.item);
    expect(extra).toEqual(['x.dr', 'x.mg-to-amu', 'x.amu-to-mg', 'x.lost-after-triage']);
    expect(report.rows.filter((r) => r.table === 'table 3')).toHaveLength(23);
  });

  it("follows the site's own mapping; an unmapped item is not available", () => {
    const raw = structuredClone(exampleSite) as Record<string, unknown>;
    manual(raw);
    raw.reporting = { mgDecisions: { '2': ['orientation-urgences', 'visite-domicile'], '8': [] } };
    const parsed = parseSiteConfig(raw);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const own = buildReport(indicate(parsed.config, log), { year: '2026' }, []).table3!;
    // Item 2, SAS hours: c3 orientation-urgences (c4's visite-domicile is in PDSA hours) = 1.
    expect(own.find((x) => x.item === 2)).toMatchObject({ value: 1, status: 'computed' });
    expect(own.find((x) => x.item === 8)).toMatchObject({ value: null, status: 'not-available' });
    expect(own.find((x) => x.item === 3)).toMatchObject({ value: null, status: 'not-available' });
  });

  it('refuses a mapping naming a disposition the site does not have', () => {
    const raw = structuredClone(exampleSite) as Record<string, unknown>;
    raw.reporting = { mgDecisions: { '3': ['ordonnance'] } };
    const parsed = parseSiteConfig(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.errors).toContain(
        `reporting.mgDecisions.3.0: "ordonnance" is not one of the site's dispositions`,
      );
    raw.reporting = { mgDecisions: { '9': ['autre'] } };
    expect(parseSiteConfig(raw).ok).toBe(false); // item 9 is not an MG decision
  });
});

// The annex's wording, quoted from annex 3, table 3 of the instruction (BO Santé 2023/1, p. 110–112),
// line breaks joined and the list punctuation ending a line (" :", " ;", ",", ".") left out.
const ANNEX_TABLE_3 = [
  'Nombre de DR : un dossier est qualifié de dossier de régulation (DR) lorsqu’il regroupe l’ensemble des informations collectées, des mesures prises et du suivi assuré, à la suite d’une information à caractère médical, médicosocial ou sanitaire, portée à la connaissance du SAS (exemples : recherche d’une pharmacie de garde à la suite d’une prescription médicale ; trouble du sommeil ; problème social réorienté vers le 115 ; recherche du dentiste de garde ; information du CTA/Codis sans problème de santé, etc.)',
  'Nombre de conseils « aller aux urgences » délivrés',
  'Nombre de prescriptions médicamenteuses téléphoniques délivrées (Cadre de référence HAS, Prescription Médicamenteuse Téléphonique (2009))',
  'Nombre d’appels au médecin traitant du patient',
  'Nombre de consultations chez un médecin prises aux horaires PDSA',
  'Nombre de visites d’un médecin au domicile aux horaires de PDSA',
  "Nombre de visites d'un professionnel de santé au domicile organisées par la filière MG du SAS",
  'Nombre de Rdv de téléconsultation pris par le SAS',
  "Durée moyenne des appels pris en charge par l'assistant de régulation médicale de front office",
  'Durée moyenne des appels pris en charge par l’ARM N2 de la filière AMU',
  "Durée moyenne des appels pris en charge par l'opérateur de soins non programmés de la filière MG",
  'Durée moyenne des appels pris en charge par le médecin régulateur libéral',
  'Durée moyenne des appels pris en charge par le médecin régulateur hospitalier',
  'Nombre total de moyens opérationnels déclenchés par le SAS, c’est à dire par la régulation médicale des deux filières AMU et MG (aux horaires SAS c’est-à-dire hors horaires réglementaires de PDSA)',
  'dont nombre de SMUR',
  'dont nombre d’ambulances privées',
  'dont nombre de VSAV déclenchés par le SAS dont VSAV par carence ambulancière',
  'dont nombre de VSAV déclenchés en prompt secours par le CODIS',
  "Nombre total d'orientations prises par le SAS, c’est à dire par la régulation médicale des deux filières AMU et MG, suite au déclenchement de moyens opérationnels (aux horaires SAS c’est-à-dire hors horaires réglementaires de PDSA)",
  'dont vers un établissement de santé (hors SU)',
  "dont vers un service d'urgence",
  'dont vers des soins de ville',
  'dont laissé sur place',
];

describe('the labels of table 3', () => {
  it('are the annex wording, word for word, in the annex order', () => {
    const t3 = buildReport(indicate(config, []), { year: '2026' }, []).table3!;
    expect(t3.map((x) => x.label)).toEqual(ANNEX_TABLE_3);
  });
});
