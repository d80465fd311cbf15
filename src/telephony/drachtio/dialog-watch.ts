// drachtio-server (0.9.4 and 0.9.10, src/client-controller.cpp) routes a request from the network on
// a dialog to the app connection that created it, and only to it: a request another connection sends
// on that dialog by id (`stackDialogId`) is carried out, but the dialog is not moved to it
// (`sendRequestInsideDialog` records only the transaction; the app-name fallback of
// `findClientForDialog` never applies: no client ever gets an app name). Once the creating connection
// is gone — a process taken over, or drachtio-srf reconnected — the far end's BYE is answered 481 and
// drachtio forgets the dialog, without telling anyone. So the dialogs of an old connection are
// polled: an in-dialog INFO by id answers while drachtio knows the dialog, and fails (ENODIALOG) once
// it forgot it — that is the hang-up.
export class DialogWatch {
  private readonly watched = new Map<string, () => void>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    /** Whether drachtio still knows the dialog (sip-dialogs.ts `alive`). */
    private readonly alive: (dialogId: string) => Promise<boolean>,
    private readonly everyMs: number,
  ) {}

  /** `gone` runs once, when drachtio no longer knows the dialog. */
  watch(dialogId: string, gone: () => void): void {
    this.watched.set(dialogId, gone);
    if (!this.timer && this.everyMs > 0) {
      this.timer = setInterval(() => void this.check(), this.everyMs);
      this.timer.unref();
    }
  }

  unwatch(dialogId: string): void {
    this.watched.delete(dialogId);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watched.clear();
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const [id, gone] of [...this.watched]) {
        if (!this.watched.has(id) || (await this.alive(id))) continue;
        if (this.watched.get(id) !== gone) continue; // watched again meanwhile
        this.watched.delete(id);
        gone();
      }
    } finally {
      this.checking = false;
    }
  }
}
