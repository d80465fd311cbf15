// The data dictionary (docs/indicators.md), rendered from the definitions the code uses: the
// indicators (core/indicators/definitions.ts), the annex 3 items (core/indicators/annex3.ts) and
// the import file's columns (report/import.ts). A test fails when the published file differs.
import { TABLE_ITEMS } from '../core/indicators/annex3.js';
import {
  DEFAULT_MG_DECISIONS,
  MG_DECISION_ITEMS,
  SIMPLE_ADVICE_DISPOSITION,
} from '../core/indicators/mg-decisions.js';
import { TABLE3_ITEMS } from '../core/indicators/table3-items.js';
import { INDICATOR_GROUPS, type IndicatorDefinition } from '../core/indicators/definitions.js';
import {
  INTERVAL_MS,
  N1_ORIENTATION_TARGET_MS,
  QS_THRESHOLD_MS,
  SHORT_ABANDON_MS,
} from '../core/indicators/rules.js';
import { ANNEX_ROLES, TALK_LABELS } from '../core/indicators/role-labels.js';
import { IMPORT_COLUMNS, IMPORT_FORMAT } from './import.js';

const GENERAL = [
  "**One source.** Every figure is computed by one pure reducer (`applyIndicatorEvent`, `src/core/indicators/`) over the routing engine's events: live figures, reports, the digital twin and the load simulator's reconciliation count the same way, and replaying the events rebuilds the same figures.",
  `**Intervals.** The smallest span is the ${INTERVAL_MS / 60_000}-minute interval of the site's calendar time zone (config \`calendar.timeZone\`, e.g. Europe/Paris). Hours, days, months, quarters and years are sums of intervals in local time (a DST day has 23 or 25 hours; the repeated hour of the autumn change is told apart by its UTC offset in the label). Ratios and means are computed at the end from the sums, never averaged twice.`,
  '**SAS hours and PDSA hours.** A call belongs to the period in force at its arrival at the platform (`CallArrived.period`, from the site calendar: PDSA 20:00–08:00 every day, Saturday from 12:00, all Sunday and public holidays, as configured), for all its figures, even when answered or ended in the other period. The official tables use SAS hours by default, with PDSA hours and the 24 h total beside.',
  `**Thresholds are strict.** "Within ${QS_THRESHOLD_MS / 1000} s" means strictly less than ${QS_THRESHOLD_MS} ms (29.999 s is in, 30.000 s is out); the same for a queue's own threshold, the N1 orientation target (${N1_ORIENTATION_TARGET_MS / 1000} s) and short abandons (under ${SHORT_ABANDON_MS / 1000} s).`,
  '**Quantiles are exact.** Every answered wait is kept, so p50 and p90 are exact nearest-rank percentiles of any span (the smallest wait with at least that share of waits at or below it); no streaming approximation.',
  '**Outbound calls** (callbacks, click-to-dial, external transfers and conferences) are never arrivals nor answered calls; they are counted apart, and their talk time under the "outbound" label.',
];

function entry(d: IndicatorDefinition): string {
  const lines = [`### \`${d.id}\` — ${d.label}`, '', `- **Unit:** ${d.unit}`];
  if (d.keyedBy) lines.push(`- **Broken down by:** ${d.keyedBy}`);
  lines.push(`- **Counts:** ${d.counts}`);
  if (d.clock) lines.push(`- **Clock:** ${d.clock}`);
  if (d.boundary) lines.push(`- **Boundary:** ${d.boundary}`);
  lines.push(`- **Dated:** ${d.dated}`);
  return lines.join('\n');
}

function fromText(it: (typeof TABLE_ITEMS)[number]): string {
  if (it.annex?.source === 'mg-decisions')
    return `MG dispositions mapped to item ${it.annex.item} (\`dispositions\` [\`mg:…\`])`;
  return it.from
    ? `\`${it.from.indicator}\`${it.from.key ? ` [\`${it.from.key}\`]` : ''}`
    : 'import slot (LRM only)';
}

function annexTable(table: 1 | 'extra'): string {
  const rows = TABLE_ITEMS.filter((it) => it.table === table).map(
    (it) => `| ${it.id} | ${it.label} | ${it.unit} | ${fromText(it)} |`,
  );
  return ['| Item | Label | Unit | Computed from |', '|---|---|---|---|', ...rows].join('\n');
}

function table3Table(): string {
  const rows = TABLE3_ITEMS.map((a) => {
    const it = TABLE_ITEMS.find((i) => i.annex?.item === a.item)!;
    const column = a.scope === 'pdsa' ? 'PDSA hours' : 'SAS hours';
    return `| ${a.item} | ${a.label} | ${a.gloss} | \`${a.source}\` | ${column} | ${fromText(it)} |`;
  });
  return [
    '| # | Annex wording (French, word for word) | English gloss | Source | Value | Computed from |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const ITEMS_9_13 = [
  'Reading of items 9–13 ("Durée moyenne des appels pris en charge par …"): **per call taken by the role**, not per agent leg. For each inbound call, the talk time of every agent of the role on it is added up over all its legs (an OSNP at N2 and again at N4 on the same call, or two ARMs at N1 after a failed transfer, make one call); the mean is that total over the number of calls the role took (`callDuration.calls`). Why: the annex counts "appels pris en charge", calls, and a per-leg mean would shorten the figure each time a call comes back to a role. Wrap-up is not talk and is left out; a call still in progress at the end of the year is not counted (it counts when it ends, by its arrival date).',
  `Item 9 (the "assistant de régulation médicale de front office") takes every call an N1 ARM answered, **including the calls it kept** (P0 kept at N1, every call in one-level mode): the annex names the ARM by its position, not by what it then did with the call. Talk labels per annex role: ${Object.entries(
    ANNEX_ROLES,
  )
    .map(([role, r]) => `item ${r.item} \`${role}\` = ${r.labels.map((l) => `\`${l}\``).join(' + ')}`)
    .join(
      '; ',
    )}. An ARM serving elsewhere through a role exception (\`arm-STAGE-BRANCH\`) and outbound calls are in no item.`,
];

export function renderDictionary(): string {
  const parts = [
    '# Indicators: data dictionary',
    '',
    '<!-- Generated by `npx sas-acd report --dictionary --out docs/indicators.md` from src/core/indicators/ (definitions.ts and the *-definitions.ts it gathers, annex3.ts, role-labels.ts, rules.ts) and src/report/import.ts. Do not edit by hand: tests/unit/indicators/dictionary.test.ts fails when this file and the code differ. -->',
    '',
    'The exact definition of every indicator sas-acd computes: what starts and stops each clock, what is counted, where the boundaries fall, and which span and period (SAS / PDSA) each value falls in.',
    '',
    '## General rules',
    '',
    ...GENERAL.map((g) => `- ${g}`),
  ];
  for (const g of INDICATOR_GROUPS) {
    parts.push('', `## ${g.title}`, '', g.intro);
    for (const d of g.items) parts.push('', entry(d));
  }
  parts.push(
    '',
    '## Role labels',
    '',
    ...Object.entries(TALK_LABELS).map(([k, v]) => `- \`${k}\`: ${v}`),
    '',
    '## Annex 3 tables',
    '',
    'Each row of the report gives SAS hours, PDSA hours and 24 h, and its source: computed from the events ("ACD", "telephony (ACD)", "mg-decisions (ACD: ids)") or "imported (…)" (from the import file, with its source). Import slots stay empty ("not available") until imported.',
    '',
    '### Table 1 (monthly)',
    '',
    "Item t1.6 is also given for the quarter holding the month. Ids are sas-acd's (the LRM slots beside the ACD's DRM counts).",
    '',
    annexTable(1),
    '',
    `Item t1.6 counts the calls ended with the disposition \`${SIMPLE_ADVICE_DISPOSITION}\` whose file is in the MG branch after reorientations.`,
    '',
    "### Table 3 (yearly): the annex's 23 items",
    '',
    'Ids are "t3.N", N the annex\'s number. Source: `telephony` = computed by sas-acd (annex: "Outils SI/téléphonie SAMU"); `mg-decisions` = computed from the MG dispositions through the site\'s mapping (annex: "Tableau de suivi des décisions/orientations de la filière MG"); `lrm-import` = only the LRM holds it (annex: "outils SI du SAMU (LRM)"), filled by an "lrm" line of the import file and labelled as imported. Value: the column the annex asks for, SAS hours ("Les horaires du SAS sont en journée et jour ouvrés, en complémentarité avec les horaires de PDSA"; items 14 and 19: "aux horaires SAS c’est-à-dire hors horaires réglementaires de PDSA"), PDSA hours for items 5 and 6 ("aux horaires PDSA"). `sas-acd report --year YYYY --format json` lists them as `table3`: `{item, label, source, value, status}`, status "computed", "imported" or "not-available".',
    '',
    table3Table(),
    '',
    ...ITEMS_9_13.flatMap((p) => [p, '']),
    'MG decisions (items 2–8) count the calls ended with a mapped disposition (`CallEnded.disposition`) whose file is in the MG branch after reorientations. The mapping is site configuration, `reporting.mgDecisions`: `{"2": ["id", …], …, "8": […]}`, each id one of the site\'s `dispositions` (checked by `config check`); one disposition may count in two items. An item mapped to nothing is "not-available". Without a mapping, the default below applies to the ids the site has:',
    '',
    ...MG_DECISION_ITEMS.map(
      (i) => `- item ${i}: ${DEFAULT_MG_DECISIONS[i].map((d) => `\`${d}\``).join(', ')}`,
    ),
    '',
    '### Calls by origin SAS',
    '',
    "Both tables are followed by the calls split by origin SAS (report P59–P60: a call received from a partner SAS keeps its origin, from its line's `originSite` or the dialplan's `origin=` Stasis argument): rows `o.ORIGIN.arrived`, `o.ORIGIN.answered`, `o.ORIGIN.qs30`, `o.ORIGIN.abandoned` (table \"by origin SAS\"), the site's own calls first, then each partner's, by the same definitions as `calls.*` (`callValuesBy(figures, 'origin')`).",
    '',
    '### sas-acd figures (not in the annex)',
    '',
    "Yearly figures sas-acd adds after table 3, in their own section so that table 3 stays the annex's.",
    '',
    annexTable('extra'),
    '',
    '## Where to read them',
    '',
    '- Live: `liveValues(acc, now)`; any span: `rollUp(acc, granularity)` or `spanFigures(acc, granularity, label)`, then `indicatorValues(figures)` and `callValuesBy(figures, dimension)` (`src/core/indicators/`).',
    '- `sas-acd report --events FILE.jsonl --month YYYY-MM` (table 1) or `--year YYYY` (table 3), `--format csv|json`, `--separator ";"` (also decimal commas), `--out FILE`, `--base-zero FILE.csv` (imported values), `--config SITE.json`.',
    '- `sas-acd report --events FILE.jsonl --indicators interval|hour|day|month|quarter|year [--month YYYY-MM | --year YYYY]`: every indicator of every span as JSON, with the breakdowns.',
    '',
    '## Import file (base zéro and LRM items)',
    '',
    'CSV, UTF-8, a header row, "," or ";" as separator (`sas-acd report --base-zero FILE.csv`). A file with any bad line is refused whole, each bad line named with its number and the reason. Example:',
    '',
    '```csv',
    IMPORT_COLUMNS.join(';'),
    'base-zero;2019-03;t1.1;24h;4210;Former PBX statistics',
    'base-zero;2019-03;t1.2;24h;0,87;Former PBX statistics',
    'lrm;2026-03;t1.3-lrm;sas;1234;LRM monthly export',
    '```',
    '',
    ...IMPORT_COLUMNS.map((c) => `- \`${c}\`: ${IMPORT_FORMAT[c]}`),
    '',
  );
  return parts.join('\n');
}
