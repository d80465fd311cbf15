// The refused lines of an operator report in French (POST …/operator-report answers 422 with one
// English message per bad line: src/report/operator-report.ts and csv-table.ts; those messages are
// the API's and its tests', so the page words them rather than the server changing them). A
// message this page does not know is shown as it is, after its line number.

type Words = { line: string | null; text: string };

const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^month must be YYYY-MM, got "(.*)"$/, (m) => `le mois doit s’écrire AAAA-MM (reçu « ${m[1]} »)`],
  [
    /^"(.*)" is none of the site's lines \((.*)\)$/,
    (m) => `« ${m[1]} » n’est pas un numéro du site (numéros connus : ${m[2]})`,
  ],
  [
    /^calls must be a whole number, got "(.*)"$/,
    (m) => `le nombre d’appels doit être un nombre entier positif (reçu « ${m[1]} »)`,
  ],
  [/^source is required/, () => 'la source est obligatoire (d’où vient le chiffre : relevé, facture…)'],
  [/^a second figure for (.*) in (.*)$/, (m) => `deuxième chiffre pour le numéro ${m[1]} en ${m[2]}`],
  [
    /^the header must be (.*)$/,
    (m) => `la première ligne doit être l’en-tête ${(m[1] ?? '').replaceAll(',', ';')}`,
  ],
  [/^expected (\d+) columns, got (\d+)$/, (m) => `${m[1]} colonnes attendues, ${m[2]} trouvées`],
];

const WHOLE: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^the file has no data line$/, () => 'le fichier ne contient aucune ligne de chiffres'],
  [
    /^at most (\d+) lines per file, got (\d+)$/,
    (m) => `au plus ${m[1]} lignes par fichier (${m[2]} reçues) : découpez-le`,
  ],
];

export function operatorErrorWords(message: string): Words {
  for (const [re, say] of WHOLE) {
    const m = re.exec(message);
    if (m) return { line: null, text: say(m) };
  }
  const at = /^line (\d+|\?): (.*)$/.exec(message);
  const rest = at ? at[2]! : message;
  for (const [re, say] of RULES) {
    const m = re.exec(rest);
    if (m) return { line: at?.[1] ?? null, text: say(m) };
  }
  return { line: at?.[1] ?? null, text: rest };
}

/** « Ligne 3 : … » or the file's own fault. */
export const operatorErrorText = (message: string) => {
  const w = operatorErrorWords(message);
  return w.line ? `Ligne ${w.line} : ${w.text}.` : `Fichier : ${w.text}.`;
};
