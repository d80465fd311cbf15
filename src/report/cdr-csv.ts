// The call detail records as CSV for the supervisors (header row, UTF-8, "," or ";"; with ";" the
// decimal mark is "," for French spreadsheets). Booleans are 1/0 so a spreadsheet can add them up;
// lists are joined with ">" in order; empty cells are "not applicable / not (yet) known".
import { stringify } from 'csv-stringify/sync';
import type { CdrRecord } from '../core/indicators/cdr.js';

const DESCRIPTIONS = {
  callId: 'Call id (engine / telephony), the key to the DRM in the LRM.',
  direction: 'inbound (arrived at the platform) or outbound (callback, click-to-dial, external transfer).',
  outboundPurpose: 'Outbound only: callback, click-to-dial, external-transfer or external-conference.',
  parentCallId: 'Outbound only: the call it was placed from, or the call whose accepted callback it serves.',
  line: 'Inbound only: the line the call came in on (15, 116117, sdis…).',
  department: 'Department of the call (inbound: at arrival; outbound: of its parent call or task).',
  originSite: 'Inbound only: the SAS the call comes from (this site unless received from a partner SAS).',
  arrivedAt: 'Arrival at the platform (outbound: dialling), ISO 8601 local time of the site with offset.',
  period: 'sas or pdsa: the period in force at arrival (outbound: at dialling).',
  mode: 'Operating mode at arrival (two-level / one-level); outbound: the mode then, empty if unknown.',
  firstAnsweredAt: 'First answer by any SAS agent (N1, N2 or doctor); empty if never answered or outbound.',
  waitBeforeFirstAnswerSeconds: 'Seconds from arrival to the first answer (annex 3 wait).',
  answeredWithin30s:
    '1 if first answered strictly less than 30 s after arrival (QS 30 s); outbound always 0.',
  abandoned: '1 if the caller hung up while waiting alone in a queue (before or after an earlier answer).',
  abandonedInQueue: 'Abandoned only: the queue the caller gave up in.',
  abandonWaitSeconds: 'Abandoned only: seconds waited in that queue (from entering it to the hang-up).',
  shortAbandon: '1 if abandoned before any answer strictly less than 5 s after arrival (as the indicators).',
  n1AgentId: 'The N1 ARM who answered the call first at N1.',
  n1AnsweredAt: 'When that N1 ARM answered.',
  qualification: 'P0, P1, P2, DR, or none (last qualification given to the call).',
  qualifiedAt: 'When the call was (last) qualified.',
  drmId: 'Id of the DRM (medical regulation file) opened with the qualification; no personal data.',
  kept: '1 if the N1 ARM kept the call as the AMU ARM (P0, or one-level mode).',
  queuePath:
    'Queue steps in order, ">" = waited there alone or by transfer, "+" = a doctor brought into the call.',
  n2AgentIds:
    'Agents who answered the call after N1 (N2, doctor, booking), in order of answer, joined by ">".',
  reorientations: 'Number of reorientations between branches (MG→AMU, AMU→MG).',
  doctorConferenced: '1 if a doctor answered a conference on the call (brought in, the agent staying on).',
  disposition: 'Disposition (outcome id) given by the agent who ended the call, if any.',
  callbackOffered: '1 if a callback was offered to the caller while waiting.',
  callbackAccepted:
    '1 if the caller accepted a callback (the call then ends and a callback task is created).',
  redirectedTo: 'Partner SAS the call was sent to (débordement / bascule), if any.',
  outcome: 'completed, dr, no-file, abandoned, callback or redirected; empty while in progress.',
  endedAt: 'End of the call; empty while in progress.',
  endedBy: 'caller, agent or system (redirect, callback accepted); empty while in progress.',
  talkSeconds:
    'Sum of every agent’s time on the call, in seconds (overlaps of warm transfers and conferences count twice).',
  agentsSpoken: 'Number of distinct agents bridged with the caller.',
  inProgress: '1 if the call had not ended in the events read (its fields are those so far).',
} satisfies Record<keyof CdrRecord, string>;

export type CdrColumn = { name: keyof CdrRecord; description: string };

/** The CSV columns, in order, with a one-line description each (for generated docs). */
export const CDR_COLUMNS: readonly CdrColumn[] = (Object.keys(DESCRIPTIONS) as (keyof CdrRecord)[]).map(
  (name) => ({ name, description: DESCRIPTIONS[name] }),
);

type Cell = CdrRecord[keyof CdrRecord];

function cell(v: Cell, separator: ',' | ';'): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    // Rounds away float noise; milliseconds are the finest the engine records.
    const s = String(Math.round(v * 1000) / 1000);
    return separator === ';' ? s.replace('.', ',') : s;
  }
  if (Array.isArray(v)) return v.join('>');
  return v;
}

/** The records as CSV, with a header row of the column names. */
export function cdrCsv(records: readonly CdrRecord[], separator: ',' | ';' = ','): string {
  const header = CDR_COLUMNS.map((c) => c.name);
  const rows = records.map((r) => CDR_COLUMNS.map((c) => cell(r[c.name], separator)));
  return stringify([header, ...rows], { delimiter: separator, record_delimiter: 'unix' });
}

/** The column list as a Markdown table (docs/api.md holds it between cdr-columns markers). */
export function cdrColumnsMarkdown(): string {
  const rows = CDR_COLUMNS.map((c) => `| \`${c.name}\` | ${c.description.replaceAll('|', '\\|')} |`);
  return ['| column | meaning |', '|---|---|', ...rows].join('\n');
}
