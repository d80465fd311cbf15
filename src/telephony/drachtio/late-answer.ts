// An outside number still ringing when its process went (take-over): the old process's INVITE is
// drachtio's, and no new process can CANCEL it. The engine ends that outbound call at the take-over
// (its FreeSWITCH endpoint is gone), so a late answer would leave the number talking to nobody. The
// dialog it would make has a known id (drachtio's `<Call-ID>;from-tag=<tag>`, kept on the channel by
// the old process as the INVITE went out): it is polled, and hung up (BYE by id) once it exists.
import type { Srf } from './libs.js';
import { alive } from './sip-dialogs.js';

/** Channel variable: the drachtio dialog id an outside INVITE will make if answered. */
export const UAC_DIALOG_VAR = 'sas_acd_uac_dialog';

/** drachtio's dialog id of an INVITE this app sends (its Call-ID and From tag), or null. */
export function uacDialogId(req: { get(name: string): string | undefined }): string | null {
  const callId = req.get('Call-ID');
  const tag = /;\s*tag=([^;>\s]+)/.exec(req.get('From') ?? '')?.[1];
  return callId && tag ? `${callId};from-tag=${tag}` : null;
}

/** How long an INVITE may ring (RFC 3261 timer C is > 3 min): the watch stops then. */
const RING_LIMIT_MS = 200_000;

export class LateAnswers {
  private readonly waiting = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly srf: () => Srf | null,
    private readonly everyMs: number,
  ) {}

  /** Hangs up the dialog `dialogId` if it ever exists (within the ring limit). */
  watch(dialogId: string): void {
    this.waiting.set(dialogId, Date.now() + RING_LIMIT_MS);
    if (!this.timer) {
      this.timer = setInterval(() => this.checkSafely(), Math.max(this.everyMs, 100));
      this.timer.unref();
    }
    this.checkSafely();
  }

  /** A best-effort watch: a failure (drachtio gone mid-check) waits for the next tick, never throws. */
  private checkSafely(): void {
    this.check().catch(() => undefined);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.waiting.clear();
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const [id, until] of [...this.waiting]) {
        const srf = this.srf();
        if (Date.now() > until) this.waiting.delete(id);
        else if (srf && (await alive(srf, { id }))) {
          this.waiting.delete(id);
          await srf
            .request({ uri: 'sip:placeholder', method: 'BYE', stackDialogId: id })
            .catch(() => undefined); // hung up meanwhile
        }
      }
      if (this.waiting.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    } finally {
      this.checking = false;
    }
  }
}
