// Injects a trace's callers into sim-pbx's trunk at their arrival times (scaled by `speed`), each
// with its patience (for each of its waits with `patiencePerWait`), and records each call's script
// under the caller's number before dialling, so a bot that answers at once already finds it.
import type { TraceCall } from '../traffic/trace.js';
import type { ScriptBook } from './script-book.js';

export type InjectorOptions = {
  simUrl: string;
  calls: TraceCall[];
  scripts: ScriptBook;
  speed?: number;
  /** sim-pbx gives each wait the caller's whole patience (as the twin does), not only the first. */
  patiencePerWait?: boolean;
  onError?: (err: unknown) => void;
  onInjected?: (call: TraceCall, simCallId: string) => void;
};

export class CallerInjector {
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private startedAt = 0;
  injected = 0;

  constructor(private readonly o: InjectorOptions) {}

  start(): void {
    this.startedAt = Date.now();
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get done(): boolean {
    return this.next >= this.o.calls.length;
  }

  private schedule(): void {
    const call = this.o.calls[this.next];
    if (!call) return;
    const speed = this.o.speed ?? 1;
    const due = this.startedAt + (call.arrivalS * 1000) / speed;
    this.timer = setTimeout(
      () => {
        this.next++;
        void this.inject(call, speed);
        this.schedule();
      },
      Math.max(0, due - Date.now()),
    );
  }

  private async inject(call: TraceCall, speed: number): Promise<void> {
    const number = call.caller ? phoneOf(call.caller) : null;
    if (number) this.o.scripts.set(number, call);
    try {
      const r = await fetch(`${this.o.simUrl}/sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          line: call.line,
          ...(call.caller
            ? { callerNumber: phoneOf(call.caller), callerName: call.caller }
            : { withheld: true }),
          ...(call.patienceS !== null ? { patienceSec: Math.max(0.05, call.patienceS / speed) } : {}),
          ...(call.patienceS !== null && this.o.patiencePerWait ? { patiencePerWait: true } : {}),
        }),
      });
      if (!r.ok) throw new Error(`sim-pbx refused a call: ${r.status} ${await r.text()}`);
      const body = (await r.json()) as { callId: string; channelId: string };
      this.injected++;
      this.o.onInjected?.(call, body.callId);
    } catch (err) {
      this.o.onError?.(err);
    }
  }
}

/** A stable, plausible French mobile number for a pseudonymous caller (never a real person's). */
export function phoneOf(caller: string): string {
  let h = 0;
  for (const c of caller) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `06${String(h % 100_000_000).padStart(8, '0')}`;
}
