// The official indicators (annex 3 of the instruction): table 1 of a month or table 3 of a year,
// SAS hours, PDSA hours and 24 h side by side, the imported "base zéro" and LRM rows labelled as
// such, and the CSV to download. The figures are the API's own export (GET …/exports/annex3.csv,
// computed from the event history by src/core/indicators), parsed here with csv-parse: the page
// shows exactly the file a supervisor sends on. Type for a wall screen: large, tabular figures.
import { parse } from 'csv-parse/browser/esm/sync';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, apiText, endSession } from '../session.js';
import type { WebConfig } from '../types.js';
import { MONTHS } from '../i18n.js';
import { MonthPicker } from './MonthPicker.js';

type Row = {
  table: string;
  item: string;
  label: string;
  period: string;
  sas: string;
  pdsa: string;
  '24h': string;
  source: string;
};
type Period = { kind: 'month'; value: string } | { kind: 'year'; value: string };

const TABLE_TITLES: Record<string, string> = {
  'table 1': 'Tableau 1 — mensuel',
  'table 3': 'Tableau 3 — annuel',
  'table 1 (quarterly item)': 'Tableau 1 — item trimestriel',
  'base zéro, table 1': 'Base zéro (importée) — tableau 1',
  'base zéro, table 3': 'Base zéro (importée) — tableau 3',
  extra: 'Chiffres propres à sas-acd (hors annexe)',
  'by origin SAS': 'Par SAS d’origine des appels',
};

/** The CSV's period in French words: « mars 2026 », « 1er trimestre 2026 », « 2026 » (the file
 *  keeps the ISO forms a spreadsheet sorts). */
export function periodWords(period: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) return `${MONTHS[Number(month[2]) - 1] ?? month[2]} ${month[1]}`;
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return `${quarter[2] === '1' ? '1er' : `${quarter[2]}e`} trimestre ${quarter[1]}`;
  return period;
}

/** The current month in the site's zone, as YYYY-MM. */
function thisMonth(timeZone: string | undefined, now: number): string {
  const parts = new Intl.DateTimeFormat('fr-FR', { timeZone, year: 'numeric', month: '2-digit' })
    .formatToParts(now)
    .reduce<Record<string, string>>((o, p) => ({ ...o, [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}`;
}

export function IndicatorsPage({ config }: { config: WebConfig }) {
  const siteId = config.siteId;
  const site = config.site;
  const [period, setPeriod] = useState<Period>({ kind: 'month', value: '' });
  const [csv, setCsv] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The default month is the site's current one, on the server's clock.
  useEffect(() => {
    api<{ at: number }>('GET', `/sites/${siteId}/indicators/live`).then(
      (live) => setPeriod({ kind: 'month', value: thisMonth(site?.timeZone, live.at) }),
      () => setPeriod({ kind: 'month', value: thisMonth(site?.timeZone, Date.now()) }),
    );
  }, [siteId]);

  const query = period.kind === 'month' ? `month=${period.value}` : `year=${period.value}`;
  useEffect(() => {
    if (!period.value) return;
    setBusy(true);
    setError(null);
    apiText(`/sites/${siteId}/exports/annex3.csv?${query}&separator=%2C`)
      .then(setCsv, (err) => {
        setCsv(null);
        setError(err instanceof ApiError ? err.message : 'Indicateurs indisponibles.');
      })
      .finally(() => setBusy(false));
  }, [query]);

  const rows: Row[] = csv ? (parse(csv, { columns: true, skip_empty_lines: true }) as Row[]) : [];
  const tables = [...new Set(rows.map((r) => r.table))];
  const download = async () => {
    try {
      const text = await apiText(`/sites/${siteId}/exports/annex3.csv?${query}`);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `sas-${siteId}-annexe3-${period.value}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Téléchargement impossible.');
    }
  };

  return (
    <div class="indicators" data-testid="indicators">
      <header class="console-head">
        <h1>Indicateurs officiels — {site?.name ?? `SAS ${siteId}`}</h1>
        <a class="button-link" href="/wallboard.html">
          Supervision
        </a>
        <button type="button" onClick={() => endSession(null)}>
          Quitter
        </button>
      </header>
      <form class="row period" onSubmit={(e) => e.preventDefault()} aria-label="Période" data-testid="period">
        <label>
          Période
          <select
            value={period.kind}
            data-testid="period-kind"
            onChange={(e) =>
              setPeriod(
                e.currentTarget.value === 'year'
                  ? {
                      kind: 'year',
                      value: (period.value || thisMonth(site?.timeZone, Date.now())).slice(0, 4),
                    }
                  : { kind: 'month', value: `${period.value.slice(0, 4)}-01` },
              )
            }
          >
            <option value="month">Mois (tableau 1)</option>
            <option value="year">Année (tableau 3)</option>
          </select>
        </label>
        {period.kind === 'month' ? (
          <MonthPicker value={period.value} onChange={(value) => setPeriod({ kind: 'month', value })} />
        ) : (
          <label>
            Année
            <input
              type="number"
              min="2000"
              max="2100"
              data-testid="year"
              value={period.value}
              onChange={(e) =>
                /^\d{4}$/.test(e.currentTarget.value) &&
                setPeriod({ kind: 'year', value: e.currentTarget.value })
              }
            />
          </label>
        )}
        <button type="button" class="primary" onClick={() => void download()} disabled={!csv}>
          Télécharger le CSV
        </button>
        <span class="hint" role="status">
          {busy ? 'Calcul en cours…' : csv ? `${rows.length} lignes` : ''}
        </span>
      </form>
      {error && (
        <p class="message tone-error" role="alert">
          {error}
        </p>
      )}
      <p class="legend">
        Heures SAS et heures PDSA selon l’heure d’arrivée de l’appel ; 24 h = les deux. Les lignes « importé »
        (base zéro, LRM) viennent d’un fichier importé, jamais de l’ACD.
      </p>
      {tables.map((t) => (
        <section key={t} aria-label={TABLE_TITLES[t] ?? t}>
          <h2>{TABLE_TITLES[t] ?? `Tableau ${t}`}</h2>
          <table class="figures" data-table={t.replace(/^table /, '')}>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Indicateur</th>
                <th scope="col">Période</th>
                <th scope="col" class="num">
                  Heures SAS
                </th>
                <th scope="col" class="num">
                  Heures PDSA
                </th>
                <th scope="col" class="num">
                  24 h
                </th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {rows
                .filter((r) => r.table === t)
                .map((r) => (
                  <tr
                    key={`${r.item}-${r.period}-${r.source}`}
                    data-item={r.item}
                    class={imported(r) ? 'imported' : ''}
                  >
                    <th scope="row">{itemNumber(r.item)}</th>
                    <td>{r.label}</td>
                    <td>{periodWords(r.period)}</td>
                    <td class="num">{figure(r.sas, isRatio(r.item))}</td>
                    <td class="num">{figure(r.pdsa, isRatio(r.item))}</td>
                    <td class="num strong">{figure(r['24h'], isRatio(r.item))}</td>
                    <td>{sourceText(r.source)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}

/** Ratios (QS 30 s) are shown as percentages. */
/** The annex's item number as printed in it (« 1.2a », « 1.3 (LRM) »); the per-origin rows
 *  (o.<site>.<figure>) have none: no internal key on screen (the CSV keeps them). */
const itemNumber = (item: string) => {
  const m = /^t(\d+\.\d+[a-z]?)(-lrm)?$/.exec(item);
  return m ? `${m[1]}${m[2] ? ' (LRM)' : ''}` : '—';
};
const isRatio = (item: string) => item === 't1.2' || item.endsWith('.qs30');

const imported = (r: Row) => /^imported|not available/.test(r.source);

/** Where a figure comes from, in French (the CSV keeps the export's English). */
function sourceText(s: string): string {
  if (s === 'ACD') return 'ACD';
  if (s === 'telephony (ACD)') return 'Téléphonie (ACD)';
  if (s.startsWith('not available (LRM')) return 'Non disponible : à importer du LRM';
  if (s.startsWith('not available (no disposition'))
    return 'Non disponible : aucune issue associée (reporting.mgDecisions)';
  if (s.startsWith('mg-decisions')) return s.replace('mg-decisions (ACD:', 'Issues MG (ACD :');
  if (s.startsWith('imported')) return s.replace('imported', 'Importé');
  return s;
}

/** A figure in French (decimal comma); empty = not available, said as such. */
function figure(v: string, ratio = false): string {
  if (v === '') return 'n. d.';
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  return ratio
    ? n.toLocaleString('fr-FR', { style: 'percent', maximumFractionDigits: 1 })
    : n.toLocaleString('fr-FR', { maximumFractionDigits: 3 });
}
