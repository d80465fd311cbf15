// A REFER on an answered caller's dialog (the partner SAS redirect) and what came of it (RFC 3515):
// the far end answers the REFER (202, or an error), then reports the transfer in NOTIFYs whose
// message/sipfrag body is the status line of its INVITE to the target, the last one final. A real
// FreeSWITCH refuses a blind transfer of a one-legged call ("Cannot Blind Transfer 1 Legged calls")
// with a 202 then at once a final NOTIFY carrying an error (docs/freeswitch.md); a trunk may answer
// the REFER itself with an error. Either way the caller is still here and must not be cut.
import type { SrfDialog } from './libs.js';

export type ReferOutcome =
  /** The target answered (a 2xx final NOTIFY): the far end leaves by itself or is ours to BYE. */
  | { kind: 'accepted' }
  /** The REFER or the transfer failed (REFER answered ≥ 300, or a 3xx-6xx final NOTIFY). */
  | { kind: 'refused'; status: number }
  /** No final NOTIFY within the wait. */
  | { kind: 'no-answer' };

/** The status code of a message/sipfrag body ("SIP/2.0 603 Declined"), or null. */
export function sipfragStatus(body: string | undefined): number | null {
  const m = /^\s*SIP\/2\.0\s+(\d{3})\b/.exec(body ?? '');
  return m ? Number(m[1]) : null;
}

export async function referCaller(
  dialog: SrfDialog,
  headers: { 'Refer-To': string; 'Referred-By': string },
  waitMs = 32_000,
): Promise<ReferOutcome> {
  let timer: NodeJS.Timeout | undefined;
  let onNotify: Parameters<SrfDialog['removeListener']>[1] = () => {};
  const final = new Promise<ReferOutcome>((resolve) => {
    // Listened to before the REFER goes: the first NOTIFY may come before its 202 (~2 ms apart).
    onNotify = (req, res) => {
      res.send(200);
      const status = sipfragStatus(req.body);
      if (status === null || status < 200) return;
      resolve(status < 300 ? { kind: 'accepted' } : { kind: 'refused', status });
    };
    dialog.on('notify', onNotify);
    timer = setTimeout(() => resolve({ kind: 'no-answer' }), waitMs);
    timer.unref();
  });
  try {
    const res = await dialog.request({ method: 'REFER', headers });
    if (res.status >= 300) return { kind: 'refused', status: res.status };
    return await final;
  } catch (err) {
    // drachtio-srf rejects a request it could not send (the dialog gone): nothing was transferred.
    return { kind: 'refused', status: (err as { status?: number }).status ?? 500 };
  } finally {
    clearTimeout(timer);
    // A caller kept after a refusal may be redirected again: one listener per REFER.
    dialog.removeListener('notify', onNotify);
  }
}
