// The operator's monthly reports (docs/trunks.md, "Operator report"): a supervisor imports the CSV
// the operator sends (a file chosen, or its text pasted), sees which months are kept, and per
// number the calls the operator counted beside those presented to the platform and answered, the
// gap and the shares. A refused file is named line by line in French (operator-errors.ts) and
// nothing is kept. Over POST …/operator-report, GET …/operator-reports and …/{YYYY-MM}.
import { useEffect, useRef, useState } from 'preact/hooks';
import { MONTHS, percent } from '../i18n.js';
import { api, ApiError, endSession } from '../session.js';
import type { WebConfig } from '../types.js';
import { operatorErrorText } from './operator-errors.js';
import './reports.css';

type MonthSummary = {
  month: string;
  importedAt: number;
  importedBy: string;
  numbers: number;
  calls: number;
  presented: number;
  answered: number;
  gap: number;
};
type NumberRow = {
  month: string;
  number: string;
  line: string;
  calls: number;
  source: string;
  presented: number;
  answered: number;
  gap: number;
  gapShare: number | null;
  answeredShare: number | null;
};
type Report = {
  month: string;
  rows: NumberRow[];
  historyGaps: number;
  importedAt: number;
  importedBy: string;
};
type Outcome = 'created' | 'replaced' | 'unchanged';

const OUTCOME: Record<Outcome, string> = {
  created: 'enregistré',
  replaced: 'remplacé par ce fichier',
  unchanged: 'identique au relevé déjà enregistré (rien changé)',
};

const monthWords = (m: string) => {
  const [y, mm] = m.split('-');
  return `${MONTHS[Number(mm) - 1] ?? mm} ${y}`;
};
const n = (v: number) => v.toLocaleString('fr-FR');
/** A gap with its sign: « +12 » addressed and never presented, « −3 » more presented than counted. */
const signed = (v: number) => (v > 0 ? `+${n(v)}` : v < 0 ? `−${n(-v)}` : '0');

/** The line's label, with the number as the operator wrote it when the label does not say it. */
const numberName = (r: NumberRow, label: string | undefined) =>
  !label ? r.number : label.replace(/\s/g, '').includes(r.line) ? label : `${label} (${r.number})`;

const EXAMPLE = 'month;number;calls;source\n2026-03;15;4210;Orange, relevé mensuel';

export function OperatorReportsPage({ config }: { config: WebConfig }) {
  const siteId = config.siteId;
  const site = config.site;
  const when = (ms: number) =>
    new Date(ms).toLocaleString('fr-FR', {
      timeZone: site?.timeZone,
      dateStyle: 'short',
      timeStyle: 'short',
    });
  const [months, setMonths] = useState<MonthSummary[] | null>(null);
  const [shown, setShown] = useState<Report | null>(null);
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const detail = useRef<HTMLHeadingElement>(null);

  const fail = (err: unknown, what: string) => setError(err instanceof ApiError ? err.message : what);
  const loadMonths = async () => {
    try {
      setMonths((await api<{ months: MonthSummary[] }>('GET', `/sites/${siteId}/operator-reports`)).months);
    } catch (err) {
      fail(err, 'Liste des relevés indisponible.');
    }
  };
  const show = async (month: string) => {
    setError(null);
    try {
      setShown(await api<Report>('GET', `/sites/${siteId}/operator-reports/${month}`));
      // The figures come into view and the keyboard goes with them.
      requestAnimationFrame(() => detail.current?.focus());
    } catch (err) {
      fail(err, `Relevé de ${monthWords(month)} indisponible.`);
    }
  };
  useEffect(() => void loadMonths(), [siteId]);

  const chooseFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setText(await file.text());
    setFileName(file.name);
    setRefused(null);
  };

  const importReport = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) {
      setRefused(['Fichier : aucun contenu. Choisissez un fichier CSV ou collez son texte.']);
      return;
    }
    setBusy(true);
    setError(null);
    setInfo(null);
    setRefused(null);
    try {
      const r = await api<{ stored: { month: string; outcome: Outcome }[] }>(
        'POST',
        `/sites/${siteId}/operator-report`,
        { csv: text },
      );
      setInfo(
        `Relevé importé${fileName ? ` (${fileName})` : ''} : ${r.stored
          .map((s) => `${monthWords(s.month)} ${OUTCOME[s.outcome]}`)
          .join(' ; ')}.`,
      );
      setText('');
      setFileName(null);
      await loadMonths();
      if (r.stored[0]) await show(r.stored[0].month);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.errors.length > 0)
        setRefused(err.errors.map((x) => operatorErrorText(x.message)));
      else fail(err, 'Import impossible.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="indicators operator-reports" data-testid="operator-reports">
      <header class="console-head">
        <h1>Relevés de l’opérateur — {site?.name ?? `SAS ${siteId}`}</h1>
        <a class="button-link" href="/wallboard.html">
          Supervision
        </a>
        <button type="button" onClick={() => endSession(null)}>
          Quitter
        </button>
      </header>
      <p class="legend">
        Le relevé mensuel de l’opérateur compte les appels adressés à chaque numéro du site. Il est rapproché
        des appels présentés à la plateforme et décrochés (historique de l’ACD) : l’écart, ce sont les appels
        jamais présentés (lignes saturées, pertes du réseau, raccroché avant le PBX).
      </p>

      <form class="import" onSubmit={importReport} aria-label="Importer un relevé" data-testid="import">
        <h2>Importer un relevé (CSV)</h2>
        {/* The browser's own file button speaks the browser's language: hidden (still focusable),
            and this label is the button, in French, with the chosen file's name. */}
        <label class="file">
          <input
            type="file"
            class="sr-only"
            accept=".csv,text/csv,text/plain"
            data-testid="file"
            onChange={(e) => void chooseFile(e.currentTarget)}
          />
          <span class="file-button">Choisir un fichier CSV…</span>
          <span data-testid="file-name">{fileName ?? 'aucun fichier choisi'}</span>
        </label>
        <label class="paste">
          ou son contenu, collé ici (en-tête : month;number;calls;source)
          <textarea
            data-testid="csv"
            rows={6}
            value={text}
            placeholder={EXAMPLE}
            spellcheck={false}
            onInput={(e) => {
              setText(e.currentTarget.value);
              setFileName(null);
            }}
          />
        </label>
        <button type="submit" data-action="import" disabled={busy}>
          {busy ? 'Import en cours…' : 'Importer'}
        </button>
      </form>

      {refused && (
        <div class="message tone-error refused" role="alert" data-testid="refused">
          <p>✖ Relevé refusé : rien n’a été enregistré. Corrigez ces lignes puis importez de nouveau.</p>
          <ul>
            {refused.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p class="message tone-error" role="alert">
          ⚠ {error}
        </p>
      )}
      {info && (
        <p class="message" role="status" data-testid="info">
          ✔ {info}
        </p>
      )}

      <section aria-label="Mois enregistrés" data-testid="months">
        <h2>Mois enregistrés</h2>
        {months === null ? (
          <p>Chargement…</p>
        ) : months.length === 0 ? (
          <p data-testid="no-month">Aucun relevé enregistré pour ce site.</p>
        ) : (
          <table class="figures">
            <thead>
              <tr>
                <th scope="col">Mois</th>
                <th scope="col" class="num">
                  Appels (opérateur)
                </th>
                <th scope="col" class="num">
                  Présentés
                </th>
                <th scope="col" class="num">
                  Décrochés
                </th>
                <th scope="col" class="num">
                  Écart
                </th>
                <th scope="col">Importé</th>
                <th scope="col">
                  <span class="sr-only">Voir</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr key={m.month} data-month={m.month} class={shown?.month === m.month ? 'current' : ''}>
                  <th scope="row">{monthWords(m.month)}</th>
                  <td class="num">{n(m.calls)}</td>
                  <td class="num">{n(m.presented)}</td>
                  <td class="num">{n(m.answered)}</td>
                  <td class="num strong">{signed(m.gap)}</td>
                  <td>
                    le {when(m.importedAt)} par {m.importedBy}
                  </td>
                  <td>
                    <button type="button" data-action="show" onClick={() => void show(m.month)}>
                      Voir {monthWords(m.month)}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {shown && (
        <section aria-label={`Relevé de ${monthWords(shown.month)}`} data-testid="report">
          <h2 tabIndex={-1} ref={detail}>
            {monthWords(shown.month)}, par numéro
          </h2>
          <p class="legend">
            Importé le {when(shown.importedAt)} par {shown.importedBy}. Part de l’écart et part décrochée :
            sur les appels comptés par l’opérateur.
          </p>
          {shown.historyGaps > 0 && (
            <p class="message tone-warn" role="status" data-testid="history-gaps">
              ⚠ L’historique de l’ACD a {shown.historyGaps} trou{shown.historyGaps > 1 ? 's' : ''} sur ce mois
              : présentés et décrochés sont incomplets.
            </p>
          )}
          <table class="figures" data-testid="numbers">
            <thead>
              <tr>
                <th scope="col">Numéro</th>
                <th scope="col" class="num">
                  Appels (opérateur)
                </th>
                <th scope="col" class="num">
                  Présentés
                </th>
                <th scope="col" class="num">
                  Décrochés
                </th>
                <th scope="col" class="num">
                  Écart
                </th>
                <th scope="col" class="num">
                  Part de l’écart
                </th>
                <th scope="col" class="num">
                  Part décrochée
                </th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {shown.rows.map((r) => (
                <tr key={r.line} data-line={r.line}>
                  <th scope="row">{numberName(r, site?.lines.find((l) => l.id === r.line)?.label)}</th>
                  <td class="num">{n(r.calls)}</td>
                  <td class="num">{n(r.presented)}</td>
                  <td class="num">{n(r.answered)}</td>
                  <td class="num strong">{signed(r.gap)}</td>
                  <td class="num">{r.gapShare === null ? '—' : percent(r.gapShare)}</td>
                  <td class="num">{r.answeredShare === null ? '—' : percent(r.answeredShare)}</td>
                  <td>{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
