// Ending endpoints and dialogs, including those of a drachtio connection that is gone (the
// adapter's releases and the take-over in adoption.ts both need them).
import type { FsEndpoint, FsMediaServer, Srf, SrfDialog } from './libs.js';

/**
 * Destroys an endpoint; never waits more than 5 s (fsmrf waits for FreeSWITCH's BYE, which a
 * drachtio that forgot the dialog answers 481 and never passes on). fsmrf's destroy() sends `hangup`
 * as an application, which a channel in a bridge or an eavesdrop does not run (a bridge runs one only
 * between audio frames it reads: never with no RTP; seen on a real FreeSWITCH 1.10.12): with `ms`,
 * the channel is also killed over the inbound event socket (`uuid_kill`). Not over the endpoint's own
 * socket, and never awaited: FreeSWITCH closes that socket as the channel goes, and drachtio-modesl
 * never answers a command written to a closed socket (awaiting it hung the listen-in suite).
 */
export async function destroyQuietly(ep: FsEndpoint, ms?: FsMediaServer | null): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // destroy() first: it listens for FreeSWITCH's BYE before the kill can bring it.
    const destroyed = ep.destroy();
    if (ms)
      void Promise.resolve()
        .then(() => ms.api(`uuid_kill ${ep.uuid}`))
        .catch(() => undefined);
    await Promise.race([destroyed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
  } catch {
    // already gone
  } finally {
    clearTimeout(timer);
  }
}

/** BYE on a dialog; after a reconnection the Dialog's old socket is gone: BYE by its id instead. */
export async function bye(srf: Srf | null, dialog: SrfDialog): Promise<void> {
  try {
    await dialog.destroy();
  } catch {
    await srf?.request({ uri: 'sip:placeholder', method: 'BYE', stackDialogId: dialog.id }).catch(() => {});
  }
}

/** Whether drachtio still knows a dialog; touching it also binds it to this connection. */
export async function alive(srf: Srf | null, dialog: { id: string } | null | undefined): Promise<boolean> {
  if (!dialog || !srf) return false;
  try {
    // In-dialog: drachtio fills the request-URI from the dialog.
    await srf.request({ uri: 'sip:placeholder', method: 'INFO', stackDialogId: dialog.id });
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== 'ENODIALOG';
  }
}
