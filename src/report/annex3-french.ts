// The annex 3 rows' labels in French, for the CSV a supervisor sends on (the JSON report keeps the
// English labels of src/core/indicators/annex3.ts: its keys and values are an API). Table 3 items
// already carry the annex's own French wording and pass through unchanged.
const FRENCH: Record<string, string> = {
  't1.1': 'Appels décrochés par le SAS',
  't1.2': 'QS 30 s (décrochés en moins de 30 s / décrochés)',
  't1.2a': 'Appels décrochés en moins de 30 s',
  't1.2b': 'Appels abandonnés avant tout décroché (hors QS)',
  't1.2c': 'dont abandons courts (moins de 5 s)',
  't1.3': 'DRM ouverts au niveau 1 (ACD)',
  't1.3-lrm': 'Total des DRM (LRM)',
  't1.4': 'DRM ouverts au niveau 1 (ACD), dont AMU',
  't1.4-lrm': 'DRM AMU (LRM)',
  't1.5': 'DRM ouverts au niveau 1 (ACD), dont ambulatoire (MG)',
  't1.5-lrm': 'DRM MG (LRM)',
  't1.6': 'Conseils médicaux simples donnés par la régulation MG',
  'x.dr': 'DR qualifiées au niveau 1 (ACD), à rapprocher de l’item 1 (LRM)',
  'x.mg-to-amu': 'Réorientations MG → AMU',
  'x.amu-to-mg': 'Réorientations AMU → MG',
  'x.lost-after-triage': 'Appelants perdus après le tri',
};

/** The "by origin SAS" rows (o.<site>.<figure>). */
const ORIGIN: Record<string, string> = {
  arrived: 'Appels arrivés',
  answered: 'Appels décrochés',
  qs30: 'QS 30 s',
  abandoned: 'Appels abandonnés avant tout décroché',
};

/** A row's label in French; `ownSite` tells the site's own calls from those a partner sent. */
export function frenchLabel(row: { item: string; label: string }, ownSite: string): string {
  const o = /^o\.([^.]+)\.(\w+)$/.exec(row.item);
  if (o && ORIGIN[o[2]!])
    return `${ORIGIN[o[2]!]}, ${o[1] === ownSite ? `appels propres (SAS ${o[1]})` : `appels reçus du SAS ${o[1]}`}`;
  return FRENCH[row.item] ?? row.label;
}
