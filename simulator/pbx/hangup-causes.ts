// Q.850 hangup causes as Asterisk names them, and the `reason` words DELETE /channels/{id} accepts.

export const CAUSE_TEXT: Record<number, string> = {
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  23: 'Redirected to new destination',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format',
  34: 'Circuit/channel congestion',
  41: 'Temporary failure',
};

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}

/** ARI hangup `reason` → Q.850 cause (res/ari/resource_channels.c). */
export const HANGUP_REASONS: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 19,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

/** SIP final response → (Q.850 cause, Dial status) for a rejected outgoing leg. */
export function rejectOutcome(sipCode: number): { cause: number; dialstatus: string } {
  if (sipCode === 486 || sipCode === 600) return { cause: 17, dialstatus: 'BUSY' };
  if (sipCode === 480) return { cause: 18, dialstatus: 'NOANSWER' };
  if (sipCode === 404) return { cause: 1, dialstatus: 'CHANUNAVAIL' };
  return { cause: 21, dialstatus: 'CONGESTION' };
}

/** The final Dial status of a leg hung up while ringing (dial.c ast_hangup_cause_to_dial_status). */
export function dialStatusOf(cause: number): string {
  if (cause === 17) return 'BUSY';
  if (cause === 34) return 'CONGESTION';
  if (cause === 3 || cause === 20) return 'CHANUNAVAIL';
  return 'NOANSWER';
}

/** The SIP code chan_pjsip gives a Q.850 cause (hangup_cause2sip); 0 when it has none (16). */
export function sipCodeOf(cause: number): number {
  const codes: Record<number, number> = {
    1: 404,
    2: 404,
    3: 404,
    17: 486,
    18: 408,
    19: 480,
    20: 480,
    21: 403,
    22: 410,
    23: 302,
    27: 502,
    28: 484,
    29: 501,
    31: 480,
    34: 503,
    38: 500,
    42: 503,
    58: 488,
    66: 503,
    127: 500,
  };
  return codes[cause] ?? 0;
}
