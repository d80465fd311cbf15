// The traffic trace: one call a row, times in seconds. The format shared by the generator, the
// digital twin and (later) replays against the running system; see docs/traffic.md.

export const QUALIFICATIONS = ['P0', 'P1', 'P2', 'DR'] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];

export const REQUIRED_COLUMNS = [
  'arrival_s',
  'line',
  'caller',
  'patience_s',
  'n1_talk_s',
  'qualification',
  'n2_talk_s',
] as const;
export const OPTIONAL_COLUMNS = ['regulation_talk_s', 'booking_talk_s', 'department'] as const;
export const ALL_COLUMNS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS] as const;

export interface TraceCall {
  /** Arrival at the platform, seconds from the start of the trace. */
  arrivalS: number;
  /** The line (number dialled / trunk group) the call came in on, e.g. "15". */
  line: string;
  /** Caller identity (number or pseudonym); empty = withheld. Retrials keep the same caller. */
  caller: string;
  /** How long the caller waits before hanging up; null = never hangs up. */
  patienceS: number | null;
  /** Talk time with the N1 ARM. */
  n1TalkS: number;
  qualification: Qualification;
  /** Talk time at N2 (AMU for P1, MG for P2); null for P0 and DR, which end at N1. */
  n2TalkS: number | null;
  /** Talk time with the doctor after N2 (or at once for P0); null = the call ends before. */
  regulationTalkS: number | null;
  /** Talk time with a booking OSNP (N4) after the doctor; null = no booking. */
  bookingTalkS: number | null;
  /** Department the call is for (multi-department SAS); null = not given. */
  department: string | null;
}

export interface TraceError {
  /** Line number in the file, the header being line 1. */
  line: number;
  message: string;
}

export type TraceParseResult = { ok: true; calls: TraceCall[] } | { ok: false; errors: TraceError[] };

export function formatTraceErrors(errors: TraceError[]): string {
  return errors.map((e) => `line ${e.line}: ${e.message}`).join('\n');
}
