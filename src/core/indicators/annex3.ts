// The official tables of annex 3 of the instruction: table 1 (monthly; item 6 also quarterly) and
// table 3 (yearly), built from the indicators, with import slots for what only the regulation
// software (LRM) holds and for the "base zéro" history, always labelled as imported.
// Table 1 ids (t1.*) are sas-acd's; table 3 ids are "t3.N", N the annex's item number (1–23, see
// table3-items.ts); sas-acd's own yearly figures ("x.*") are a separate section. Each row says
// which indicator it is computed from, or that it is imported.
import type { Indicators } from './accumulator.js';
import { spanFigures, type Granularity } from './spans.js';
import { callValuesBy, indicatorValues, type IndicatorValues, type Value } from './values.js';
import {
  SIMPLE_ADVICE_DISPOSITION,
  mgDecisionMapping,
  type MgDecisionItem,
  type MgDecisionMapping,
} from './mg-decisions.js';
import { TABLE3_ITEMS, table3Id, type Table3Item, type Table3Source } from './table3-items.js';

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
  /** 1 and 3: the annex's tables; 'extra': sas-acd's own figures, not in the annex. */
  table: 1 | 3 | 'extra';
  label: string;
  unit: 'calls' | 'ratio' | 'seconds';
  /** How the ACD computes it (an indicator id and key), or null for an import slot (LRM only). */
  from: { indicator: string; key?: string } | null;
  /** Table 3: the annex's item (number, wording, source, the column its value is read from). */
  annex?: Table3Item;
};

const acd = (indicator: string, key?: string) => (key === undefined ? { indicator } : { indicator, key });
const item = (
  id: string,
  table: TableItem['table'],
  label: string,
  unit: TableItem['unit'],
  from: TableItem['from'],
) => ({
  id,
  table,
  label,
  unit,
  from,
});

/** Table 3 from the annex: computed items say where from; MG items read the site's mapping. */
function table3Item(a: Table3Item): TableItem {
  const from =
    a.source === 'telephony'
      ? acd('callDuration.meanS', a.role)
      : a.source === 'mg-decisions'
        ? acd('dispositions')
        : null;
  return { id: table3Id(a.item), table: 3, label: a.label, unit: a.unit, from, annex: a };
}

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
  item(
    't1.6',
    1,
    'Simple medical advices given by the MG regulation',
    'calls',
    acd('dispositions', `mg:${SIMPLE_ADVICE_DISPOSITION}`),
  ),
  ...TABLE3_ITEMS.map(table3Item),
  // sas-acd's own yearly figures, not in the annex: kept apart so table 3 stays the annex's.
  item('x.dr', 'extra', 'DR qualified at N1 (ACD), to reconcile with item 1 (LRM)', 'calls', acd('files.dr')),
  item('x.mg-to-amu', 'extra', 'Reorientations MG → AMU', 'calls', acd('reorientations.mgToAmu')),
  item('x.amu-to-mg', 'extra', 'Reorientations AMU → MG', 'calls', acd('reorientations.amuToMg')),
  item('x.lost-after-triage', 'extra', 'Callers lost after triage', 'calls', acd('lostAfterTriage.total')),
];

/** An item only an import fills ("lrm" lines of the import file). */
export const isImportSlot = (it: TableItem) => it.from === null;

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

/** The sum of the MG-branch dispositions mapped to an item (0 when none ended so), null if unmapped. */
function mgDecisionValue(values: IndicatorValues, ids: string[]): Value {
  if (ids.length === 0) return null;
  const d = values.dispositions;
  if (typeof d !== 'object' || d === null) return null;
  return ids.reduce((sum, id) => sum + (d[`mg:${id}`] ?? 0), 0);
}

function sourceText(it: TableItem, mapped: string[] | null): string {
  if (it.annex?.source === 'telephony') return 'telephony (ACD)';
  if (it.annex?.source === 'mg-decisions')
    return mapped && mapped.length > 0
      ? `mg-decisions (ACD: ${mapped.join(', ')})`
      : 'not available (no disposition mapped: reporting.mgDecisions)';
  return 'ACD';
}

function computedRow(
  table: string,
  it: TableItem,
  period: string,
  v: SpanValues,
  mapping: MgDecisionMapping | null = null,
): TableRow {
  const from = it.from!;
  const mapped =
    it.annex?.source === 'mg-decisions' ? (mapping?.[it.annex.item as MgDecisionItem] ?? []) : null;
  const pick = (values: IndicatorValues) =>
    mapped ? mgDecisionValue(values, mapped) : pickValue(values, from);
  return {
    table,
    item: it.id,
    label: it.label,
    period,
    sas: pick(v.sas),
    pdsa: pick(v.pdsa),
    h24: pick(v.all),
    source: sourceText(it, mapped),
  };
}

const TABLE_NAMES = { 1: 'table 1', 3: 'table 3', extra: 'sas-acd (not in the annex)' } as const;

function rowsFor(
  acc: Indicators,
  tableNo: TableItem['table'],
  granularity: Granularity,
  period: string,
  imports: ImportedValue[],
): TableRow[] {
  const table = TABLE_NAMES[tableNo];
  const v = spanValues(acc, granularity, period);
  const mapping = mgDecisionMapping(acc.config);
  return TABLE_ITEMS.filter((it) => it.table === tableNo).map((it) =>
    it.from
      ? computedRow(table, it, period, v, mapping)
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

/** The per-call figures an origin split gives (calls.* values). */
const BY_ORIGIN = [
  ['arrived', 'calls.arrived', 'Calls arrived'],
  ['answered', 'calls.answered', 'Calls answered by the SAS (appels décrochés)'],
  ['qs30', 'calls.qs30', 'QS 30 s'],
  ['abandoned', 'calls.abandoned', 'Calls abandoned before any answer'],
] as const;

/**
 * The calls split by origin SAS (report P59–P60: a call received from a partner SAS keeps its
 * origin): the site's own calls, then each partner's, so that a SAS reports its own figures and
 * the calls it took for a partner apart. Rows "o.ORIGIN.figure".
 */
function originRows(acc: Indicators, granularity: Granularity, period: string): TableRow[] {
  const span = spanFigures(acc, granularity, period);
  const by = {
    sas: callValuesBy(span.sas, 'origin'),
    pdsa: callValuesBy(span.pdsa, 'origin'),
    all: callValuesBy(span.all, 'origin'),
  };
  const own = acc.config.id;
  const origins = [
    own,
    ...Object.keys(by.all)
      .filter((o) => o !== own)
      .sort(),
  ];
  return origins.flatMap((o) =>
    BY_ORIGIN.map(([key, id, label]) => {
      const pick = (v: Record<string, Record<string, Value>>) => v[o]?.[id] ?? (key === 'qs30' ? null : 0);
      return {
        table: 'by origin SAS',
        item: `o.${o}.${key}`,
        label: `${label}, ${o === own ? `own calls (SAS ${o})` : `calls received from SAS ${o}`}`,
        period,
        sas: pick(by.sas),
        pdsa: pick(by.pdsa),
        h24: pick(by.all),
        source: 'ACD',
      };
    }),
  );
}

/** Annex 3 table 1 for a month, with item 6 for the month's quarter, and the base zéro beside. */
export function table1(acc: Indicators, month: string, imports: ImportedValue[] = []): TableRow[] {
  const rows = rowsFor(acc, 1, 'month', month, imports);
  const t16 = TABLE_ITEMS.find((i) => i.id === 't1.6')!;
  const quarter = quarterOf(month);
  rows.push(computedRow('table 1 (quarterly item)', t16, quarter, spanValues(acc, 'quarter', quarter)));
  return [...rows, ...originRows(acc, 'month', month), ...baseZeroRows(1, imports)];
}

/** Annex 3 table 3 for a year, sas-acd's own figures apart, and the base zéro beside. */
export function table3(acc: Indicators, year: string, imports: ImportedValue[] = []): TableRow[] {
  return [
    ...rowsFor(acc, 3, 'year', year, imports),
    ...rowsFor(acc, 'extra', 'year', year, imports),
    ...originRows(acc, 'year', year),
    ...baseZeroRows(3, imports),
  ];
}

/** One item of table 3 as the annex numbers it, with its value in the column the annex asks. */
export type Table3Entry = {
  item: number;
  label: string;
  source: Table3Source;
  value: Value;
  status: 'computed' | 'imported' | 'not-available';
};

/**
 * The 23 items of table 3, in the annex's order, from the rows of `table3` (so the JSON and the
 * CSV can never disagree): the value of each is the column of its scope (SAS hours; PDSA hours
 * for items 5 and 6).
 */
export function table3Entries(rows: TableRow[]): Table3Entry[] {
  return TABLE3_ITEMS.map((a) => {
    const row = rows.find((r) => r.table === TABLE_NAMES[3] && r.item === table3Id(a.item))!;
    const value = a.scope === 'pdsa' ? row.pdsa : row.sas;
    const status = row.source.startsWith('imported')
      ? value === null
        ? 'not-available'
        : 'imported'
      : row.source.startsWith('not available')
        ? 'not-available'
        : 'computed';
    return {
      item: a.item,
      label: a.label,
      source: a.source,
      value: status === 'not-available' ? null : value,
      status,
    };
  });
}
