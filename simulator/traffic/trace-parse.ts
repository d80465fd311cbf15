// Reads and checks a trace CSV. Every bad row is reported with its line number and the reason,
// and a file with any error yields no calls at all: nothing runs on a bad file.
import { parse } from 'csv-parse/sync';
import {
  ALL_COLUMNS,
  QUALIFICATIONS,
  REQUIRED_COLUMNS,
  type Qualification,
  type TraceCall,
  type TraceParseResult,
} from './trace.js';

export interface TraceParseOptions {
  /** The site's lines: a call on any other line is an error. Omitted = any non-empty line. */
  knownLines?: readonly string[];
  /** Stop collecting after this many errors (default 100); the file is rejected either way. */
  maxErrors?: number;
}

type Column = (typeof ALL_COLUMNS)[number];

interface Row {
  record: string[];
  info: { lines: number };
}

class RowErrors {
  list: string[] = [];
  add(message: string): void {
    this.list.push(message);
  }
}

function seconds(
  raw: string | undefined,
  column: Column,
  errs: RowErrors,
  empty: 'null' | 'error',
): number | null {
  const v = raw ?? '';
  if (v === '') {
    if (empty === 'error') errs.add(`${column} is required`);
    return null;
  }
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v)) {
    errs.add(`${column} must be a number of seconds ≥ 0 (got "${v}")`);
    return null;
  }
  return Number(v);
}

export function parseTrace(text: string, options: TraceParseOptions = {}): TraceParseResult {
  const csvOptions = { bom: true, trim: true, relax_column_count: true, skip_empty_lines: true };
  let records: string[][];
  try {
    records = parse(text, csvOptions) as string[][];
  } catch (e) {
    const err = e as { message: string; lines?: number };
    return { ok: false, errors: [{ line: err.lines ?? 0, message: `unreadable CSV: ${err.message}` }] };
  }
  // Line numbers cost a second pass (csv-parse's `info` halves its speed), so they are only looked
  // up when there is an error to report.
  const errorsAt: { record: number; message: string }[] = [];
  const result = checkRecords(records, options, errorsAt);
  if (errorsAt.length === 0 && result) return { ok: true, calls: result };
  const rows = parse(text, { ...csvOptions, info: true }) as unknown as Row[];
  return {
    ok: false,
    errors: errorsAt.map((e) => ({ line: rows[e.record]?.info.lines ?? 1, message: e.message })),
  };
}

function checkRecords(
  records: string[][],
  options: TraceParseOptions,
  errors: { record: number; message: string }[],
): TraceCall[] | null {
  const maxErrors = options.maxErrors ?? 100;
  const header = records[0];
  if (!header) {
    errors.push({ record: 0, message: 'empty file: a header row is required' });
    return null;
  }
  const names = header;
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (!(ALL_COLUMNS as readonly string[]).includes(name)) {
      errors.push({
        record: 0,
        message: `unknown column "${name}" (known: ${ALL_COLUMNS.join(', ')})`,
      });
    } else if (index.has(name)) {
      errors.push({ record: 0, message: `column "${name}" appears twice` });
    } else {
      index.set(name, i);
    }
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    errors.push({
      record: 0,
      message: `missing column(s) ${missing.join(', ')}: the header must name at least ${REQUIRED_COLUMNS.join(',')}`,
    });
  }
  if (errors.length > 0) return null;

  const known = options.knownLines ? new Set(options.knownLines) : null;
  const calls: TraceCall[] = [];
  let previousArrival = -Infinity;
  for (let r = 1; r < records.length; r++) {
    if (errors.length >= maxErrors) break;
    const record = records[r]!;
    const errs = new RowErrors();
    const cell = (c: Column) => {
      const i = index.get(c);
      return i === undefined ? '' : (record[i] ?? '');
    };
    if (record.length !== names.length) {
      errs.add(`expected ${names.length} fields as in the header, got ${record.length}`);
    }
    const arrivalS = seconds(cell('arrival_s'), 'arrival_s', errs, 'error');
    if (arrivalS !== null && arrivalS < previousArrival) {
      errs.add(
        `arrival_s ${arrivalS} is before the previous row's ${previousArrival}: rows must be in arrival order`,
      );
    } else if (arrivalS !== null) {
      // Order is checked against every readable arrival, even on rows bad for other reasons.
      previousArrival = arrivalS;
    }
    const line = cell('line');
    if (line === '') errs.add('line is required');
    else if (known && !known.has(line))
      errs.add(`line "${line}" is not one of the site's lines (${[...known].join(', ')})`);
    const patienceS = seconds(cell('patience_s'), 'patience_s', errs, 'null');
    const n1TalkS = seconds(cell('n1_talk_s'), 'n1_talk_s', errs, 'error');
    const q = cell('qualification');
    const qualification = (QUALIFICATIONS as readonly string[]).includes(q) ? (q as Qualification) : null;
    if (!qualification) errs.add(`qualification must be one of ${QUALIFICATIONS.join(', ')} (got "${q}")`);
    const n2TalkS = seconds(cell('n2_talk_s'), 'n2_talk_s', errs, 'null');
    const regulationTalkS = seconds(cell('regulation_talk_s'), 'regulation_talk_s', errs, 'null');
    const bookingTalkS = seconds(cell('booking_talk_s'), 'booking_talk_s', errs, 'null');
    if (qualification === 'P0' || qualification === 'DR') {
      if (cell('n2_talk_s') !== '')
        errs.add(`n2_talk_s must be empty for ${qualification} (the call ends at N1)`);
    } else if (qualification && cell('n2_talk_s') === '') {
      errs.add(`n2_talk_s is required for ${qualification} (the call goes on to N2)`);
    }
    if (qualification === 'DR' && cell('regulation_talk_s') !== '') {
      errs.add('regulation_talk_s must be empty for DR (no medical regulation)');
    }
    if (cell('booking_talk_s') !== '' && cell('regulation_talk_s') === '') {
      errs.add('booking_talk_s needs regulation_talk_s (the booking follows the doctor)');
    }
    const department = cell('department');

    if (errs.list.length > 0) {
      for (const message of errs.list) errors.push({ record: r, message });
      continue;
    }
    calls.push({
      arrivalS: arrivalS!,
      line,
      caller: cell('caller'),
      patienceS,
      n1TalkS: n1TalkS!,
      qualification: qualification!,
      n2TalkS,
      regulationTalkS,
      bookingTalkS,
      department: department === '' ? null : department,
    });
  }
  return errors.length > 0 ? null : calls;
}
