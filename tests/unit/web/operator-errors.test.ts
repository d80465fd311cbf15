// Every message the server gives for a refused operator report (src/report/operator-report.ts and
// csv-table.ts, produced here by the real parser) is worded in French by the page, with its line.
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { parseOperatorReport } from '../../../src/report/operator-report.js';
import { operatorErrorText } from '../../../web/src/reports/operator-errors.js';

const parsed = parseSiteConfig(exampleSite);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const config = parsed.config;

const errorsOf = (csv: string) => {
  const r = parseOperatorReport(csv, config);
  if (r.ok) throw new Error('expected a refused file');
  return r.errors;
};

describe('operator report errors in French', () => {
  it('words each refused line, naming it', () => {
    const csv = [
      'month;number;calls;source',
      '2026-13;15;5;Orange',
      '2026-03;18;5;Orange',
      '2026-03;15;-1;Orange',
      '2026-03;15;4;',
      '2026-03;15;4;Orange',
      '2026-03;15;4;Orange',
      '2026-03;15',
    ].join('\n');
    expect(errorsOf(csv).map(operatorErrorText)).toEqual([
      'Ligne 2 : le mois doit s’écrire AAAA-MM (reçu « 2026-13 »).',
      'Ligne 3 : « 18 » n’est pas un numéro du site (numéros connus : 15, 116117, sdis, pro, atsu).',
      'Ligne 4 : le nombre d’appels doit être un nombre entier positif (reçu « -1 »).',
      'Ligne 5 : la source est obligatoire (d’où vient le chiffre : relevé, facture…).',
      'Ligne 7 : deuxième chiffre pour le numéro 15 en 2026-03.',
      'Ligne 8 : 4 colonnes attendues, 2 trouvées.',
    ]);
  });

  it('words the faults of the whole file', () => {
    expect(errorsOf('mois;numero;appels\n2026-03;15;5').map(operatorErrorText)).toEqual([
      'Ligne 1 : la première ligne doit être l’en-tête month;number;calls;source.',
    ]);
    expect(errorsOf('month;number;calls;source\n').map(operatorErrorText)).toEqual([
      'Fichier : le fichier ne contient aucune ligne de chiffres.',
    ]);
    const many = ['month;number;calls;source', ...Array.from({ length: 1001 }, () => '2026-03;15;1;x')];
    expect(errorsOf(many.join('\n')).map(operatorErrorText)).toEqual([
      'Fichier : au plus 1000 lignes par fichier (1001 reçues) : découpez-le.',
    ]);
  });
});
