// The MG decisions of annex 3 table 3 (items 2–8, annex source "Tableau de suivi des
// décisions/orientations de la filière MG"): which of the site's disposition ids
// (CallEnded.disposition) each item counts. A site sets its own mapping in its configuration
// (`reporting.mgDecisions`, every id checked against `dispositions`); without one, the default
// below applies to the ids the site has, and an item with no id is "not-available".
import type { SiteConfig } from '../config.js';

export const MG_DECISION_ITEMS = [2, 3, 4, 5, 6, 7, 8] as const;
export type MgDecisionItem = (typeof MG_DECISION_ITEMS)[number];
export type MgDecisionMapping = Record<MgDecisionItem, string[]>;

/** The example site's disposition ids (src/core/example-site.ts). */
export const DEFAULT_MG_DECISIONS: MgDecisionMapping = {
  2: ['orientation-urgences'],
  3: ['prescription-telephonique'],
  4: ['medecin-traitant'],
  5: ['consultation'],
  6: ['visite-domicile'],
  7: ['visite-organisee'],
  8: ['teleconsultation'],
};

/** Table 1 item 6, "conseils médicaux simples délivrés par la régulation ambulatoire". */
export const SIMPLE_ADVICE_DISPOSITION = 'conseil-medical';

/** The mapping in force for a site: its own, or the default restricted to its dispositions. */
export function mgDecisionMapping(config: SiteConfig): MgDecisionMapping {
  const own = config.reporting.mgDecisions;
  const out = {} as MgDecisionMapping;
  for (const item of MG_DECISION_ITEMS) {
    out[item] = own
      ? (own[String(item) as `${MgDecisionItem}`] ?? [])
      : DEFAULT_MG_DECISIONS[item].filter((d) => config.dispositions.includes(d));
  }
  return out;
}
