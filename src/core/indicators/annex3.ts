// The official tables of annex 3 of the instruction: table 1 (monthly; item 6 also quarterly) and
// table 3 (yearly), built from the indicators, with import slots for what only the regulation
// software (LRM) holds and for the "base zéro" history, always labelled as imported.
// Item ids (t1.*, t3.*) are sas-acd's; each row says which indicator it is computed from.
import type { Indicators } from './accumulator.js';
import { spanFigures, type Granularity } from './spans.js';
import { indicatorValues, type IndicatorValues, type Value } from './values.js';

export type Scope = 'sas' | 'pdsa' | '24h';

/** A value imported from outside the ACD (old PBX statistics, operator reports, LRM counts). */
export type ImportedValue = {
  kind: 'base-zero' | 'lrm';
  /** 'YYYY-MM', 'YYYY-Qn' or 'YYYY'. */
  period: string;
  item: string;
  scope: Scope;
  value: number;
  source: string;
  /** Line of the import file it came from. */
  line: number;
};

export type TableItem = {
  id: string;
  table: 1 | 3;
  label: string;
  unit: 'calls' | 'ratio' | 'seconds';
  /** How the ACD computes it (an indicator id and key), or null for an import slot (LRM only). */
  from: { indicator: string; key?: string } | null;
};

/**
 * Dispositions (CallEnded.disposition, site configuration) the MG outcome items count: a site
 * reporting these items uses these disposition ids (the example site does).
 */
export const MG_OUTCOME_DISPOSITIONS = {
  simpleAdvice: 'conseil-medical',
  emergencyDepartment: 'orientation-urgences',
  telephonePrescription: 'prescription-telephonique',
  ownGp: 'medecin-traitant',
  consultation: 'consultation',
  homeVisit: 'visite-domicile',
  visitOrganised: 'visite-organisee',
  teleconsultation: 'teleconsultation',
} as const;

const mg = (d: keyof typeof MG_OUTCOME_DISPOSITIONS) => ({
  indicator: 'dispositions',
  key: `mg:${MG_OUTCOME_DISPOSITIONS[d]}`,
});
const acd = (indicator: string, key?: string) => (key === undefined ? { indicator } : { indicator, key });
const item = (id: string, table: 1 | 3, label: string, unit: TableItem['unit'], from: TableItem['from']) => ({
  id,
  table,
  label,
  unit,
  from,
});

export const TABLE_ITEMS: TableItem[] = [
  item('t1.1', 1, 'Calls answered by the SAS (appels décrochés)', 'calls', acd('calls.answered')),
  item('t1.2', 1, 'QS 30 s (answered in less than 30 s / answered)', 'ratio', acd('calls.qs30')),
  item('t1.2a', 1, 'Calls answered in less than 30 s', 'calls', acd('calls.answeredWithin30s')),
  item('t1.2b', 1, 'Calls abandoned before any answer (outside the QS)', 'calls', acd('calls.abandoned')),
  item('t1.2c', 1, 'of which short abandons (under 5 s)', 'calls', acd('calls.shortAbandoned')),
  item('t1.3', 1, 'DRM opened at N1 (ACD)', 'calls', acd('files.drmOpenedAtN1')),
  item('t1.3-lrm', 1, 'Total DRM (LRM)', 'calls', null),
  item('t1.4', 1, 'DRM opened at N1 (ACD), of which AMU', 'calls', acd('files.drmAmu')),
  item('t1.4-lrm', 1, 'DRM AMU (LRM)', 'calls', null),
  item('t1.5', 1, 'DRM opened at N1 (ACD), of which ambulatory (MG)', 'calls', acd('files.drmMg')),
  item('t1.5-lrm', 1, 'DRM MG (LRM)', 'calls', null),
  item('t1.6', 1, 'Simple medical advices given by the MG regulation', 'calls', mg('simpleAdvice')),
  item('t3.1', 3, 'Calls answered by the SAS (appels décrochés)', 'calls', acd('calls.answered')),
  item('t3.2', 3, 'QS 30 s', 'ratio', acd('calls.qs30')),
  item('t3.3', 3, 'DRM opened at N1 (ACD)', 'calls', acd('files.drmOpenedAtN1')),
  item('t3.4', 3, 'DRM opened at N1 (ACD), AMU', 'calls', acd('files.drmAmu')),
  item('t3.5', 3, 'DRM opened at N1 (ACD), MG', 'calls', acd('files.drmMg')),
  item('t3.6', 3, 'DR (dossiers de régulation)', 'calls', acd('files.dr')),
  item('t3.7', 3, 'MG: simple medical advices', 'calls', mg('simpleAdvice')),
  item('t3.8', 3, 'MG: advice to go to the emergency department', 'calls', mg('emergencyDepartment')),
  item('t3.9', 3, 'MG: telephone prescriptions', 'calls', mg('telephonePrescription')),
  item('t3.10', 3, "MG: calls to the patient's own GP", 'calls', mg('ownGp')),
  item('t3.11', 3, 'MG: consultations (PDSA hours column)', 'calls', mg('consultation')),
  item('t3.12', 3, 'MG: home visits (PDSA hours column)', 'calls', mg('homeVisit')),
  item('t3.13', 3, 'MG: visits organised by the MG regulation', 'calls', mg('visitOrganised')),
  item('t3.14', 3, 'MG: teleconsultation appointments', 'calls', mg('teleconsultation')),
  item('t3.15', 3, 'Mean call duration, N1 ARM', 'seconds', acd('talk.meanS', 'n1-arm')),
  item('t3.16', 3, 'Mean call duration, N2 AMU ARM', 'seconds', acd('talk.meanS', 'n2-amu-arm')),
  item('t3.17', 3, 'Mean call duration, OSNP', 'seconds', acd('talk.meanS', 'osnp')),
  item('t3.18', 3, 'Mean call duration, GP regulator', 'seconds', acd('talk.meanS', 'mrg')),
  item('t3.19', 3, 'Mean call duration, hospital regulator', 'seconds', acd('talk.meanS', 'mru')),
  item('t3.20', 3, 'Resources sent (LRM)', 'calls', null),
  item('t3.21', 3, 'Orientations after dispatch (LRM)', 'calls', null),
  item('t3.22', 3, 'Reorientations MG → AMU', 'calls', acd('reorientations.mgToAmu')),
  item('t3.23', 3, 'Callers lost after triage', 'calls', acd('lostAfterTriage.total')),
];

export type TableRow = {
  table: string;
  item: string;
  label: string;
  period: string;
  sas: Value;
  pdsa: Value;
  h24: Value;
  /** 'ACD' for a value computed from the events; 'imported (…)' for an imported one. */
  source: string;
};

function pickValue(values: IndicatorValues, from: NonNullable<TableItem['from']>): Value {
  const v = values[from.indicator];
  if (v === undefined) throw new Error(`annex 3: unknown indicator ${from.indicator}`);
  if (from.key === undefined) return typeof v === 'object' && v !== null ? null : v;
  if (typeof v !== 'object' || v === null) return null;
  // A keyed count with no entry is 0; a keyed mean with no entry has no value.
  return v[from.key] ?? (from.indicator === 'dispositions' ? 0 : null);
}

function importedRow(table: string, it: TableItem, period: string, found: ImportedValue[]): TableRow {
  const at = (scope: Scope) => found.find((x) => x.scope === scope)?.value ?? null;
  const sources = [...new Set(found.map((x) => x.source))].join('; ');
  return {
    table,
    item: it.id,
    label: it.label,
    period,
    sas: at('sas'),
    pdsa: at('pdsa'),
    h24: at('24h'),
    source: found.length > 0 ? `imported (${found[0]!.kind}: ${sources})` : 'not available (LRM import slot)',
  };
}

type SpanValues = { sas: IndicatorValues; pdsa: IndicatorValues; all: IndicatorValues };

function spanValues(acc: Indicators, granularity: Granularity, period: string): SpanValues {
  const span = spanFigures(acc, granularity, period);
  return { sas: indicatorValues(span.sas), pdsa: indicatorValues(span.pdsa), all: indicatorValues(span.all) };
}

function computedRow(table: string, it: TableItem, period: string, v: SpanValues): TableRow {
  const from = it.from!;
  return {
    table,
    item: it.id,
    label: it.label,
    period,
    sas: pickValue(v.sas, from),
    pdsa: pickValue(v.pdsa, from),
    h24: pickValue(v.all, from),
    source: 'ACD',
  };
}

function rowsFor(
  acc: Indicators,
  tableNo: 1 | 3,
  granularity: Granularity,
  period: string,
  imports: ImportedValue[],
): TableRow[] {
  const table = `table ${tableNo}`;
  const v = spanValues(acc, granularity, period);
  return TABLE_ITEMS.filter((it) => it.table === tableNo).map((it) =>
    it.from
      ? computedRow(table, it, period, v)
      : importedRow(
          table,
          it,
          period,
          imports.filter((x) => x.kind === 'lrm' && x.item === it.id && x.period === period),
        ),
  );
}

/** The base zéro: every imported historical value of the table's items, beside the ACD's. */
function baseZeroRows(tableNo: 1 | 3, imports: ImportedValue[]): TableRow[] {
  const rows: TableRow[] = [];
  const groups = new Map<string, ImportedValue[]>();
  for (const x of imports) {
    if (x.kind !== 'base-zero') continue;
    const key = `${x.period}\u0000${x.item}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  for (const it of TABLE_ITEMS.filter((i) => i.table === tableNo)) {
    const periods = [...groups.keys()]
      .filter((k) => k.endsWith(`\u0000${it.id}`))
      .map((k) => k.split('\u0000')[0]!);
    for (const period of periods.sort())
      rows.push(
        importedRow(`base zéro, table ${tableNo}`, it, period, groups.get(`${period}\u0000${it.id}`)!),
      );
  }
  return rows.sort((a, b) => a.period.localeCompare(b.period));
}

/** The quarter ('YYYY-Qn') a month ('YYYY-MM') belongs to. */
export function quarterOf(month: string): string {
  return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
}

/** Annex 3 table 1 for a month, with item 6 for the month's quarter, and the base zéro beside. */
export function table1(acc: Indicators, month: string, imports: ImportedValue[] = []): TableRow[] {
  const rows = rowsFor(acc, 1, 'month', month, imports);
  const t16 = TABLE_ITEMS.find((i) => i.id === 't1.6')!;
  const quarter = quarterOf(month);
  rows.push(computedRow('table 1 (quarterly item)', t16, quarter, spanValues(acc, 'quarter', quarter)));
  return [...rows, ...baseZeroRows(1, imports)];
}

/** Annex 3 table 3 for a year, and the base zéro beside. */
export function table3(acc: Indicators, year: string, imports: ImportedValue[] = []): TableRow[] {
  return [...rowsFor(acc, 3, 'year', year, imports), ...baseZeroRows(3, imports)];
}
