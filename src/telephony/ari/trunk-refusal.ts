// Calls refused before distribution (annex 2 condition 5): the line's trunk channels are all taken,
// and the dialplan's GROUP_COUNT check (asterisk-config [sasacd-trunk-limit]) hands the call to the
// app with `refused=<reason>` before refusing it, so that the ACD counts what a naïve ACD never
// sees. The adapter does not make it an arrival: it reports it and hangs it up with congestion
// (cause 34, a 503 to the operator), which is what the dialplan does when no app is connected.
export type RefusedCall = { channelId: string; line: string; reason: string; at: number };

const REASON = /^[a-z][a-z0-9-]{0,40}$/;

/** The refusal among the Stasis arguments after the line, or null. */
export function refusalOf(args: readonly string[]): string | null {
  for (const arg of args) {
    if (!arg.startsWith('refused=')) continue;
    const reason = arg.slice('refused='.length);
    return REASON.test(reason) ? reason : 'unknown';
  }
  return null;
}
