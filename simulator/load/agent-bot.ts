// A bot agent: logs in, answers its phone, and plays each call as the caller's script says —
// qualifies and transfers at N1, passes the call to the doctor or ends it at N2, books at N4.
// It acts through the same SiteHandle as a person's panel would (engine commands).
import type { SiteHandle } from '../../src/ports/site-handle.js';
import type { Command } from '../../src/core/commands.js';
import type { Event } from '../../src/core/events.js';
import type { PhoneClient } from '../bots/phone-client.js';
import type { ScriptBook } from './script-book.js';

export type AgentBotOptions = {
  site: SiteHandle;
  agentId: string;
  phone: PhoneClient;
  scripts: ScriptBook;
  /** Simulated seconds per real second (talk times are divided by it). */
  speed?: number;
  /** How long a person takes to pick up a ringing phone (auto-answer phones pick up at once). */
  answerAfterMs?: number;
  onError?: (err: unknown) => void;
};

export class AgentBot {
  private readonly timers = new Set<NodeJS.Timeout>();
  private off: (() => void) | null = null;
  private readonly speed: number;

  constructor(private readonly o: AgentBotOptions) {
    this.speed = o.speed ?? 1;
  }

  async start(): Promise<void> {
    this.o.phone.autoAnswer(this.o.answerAfterMs ?? 0);
    this.off = this.o.site.onEvents((events) => {
      for (const e of events) this.onEvent(e);
    });
    await this.send({ type: 'agentLogin', agentId: this.o.agentId });
  }

  stop(): void {
    this.off?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(seconds: number, run: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        run();
      },
      Math.max(0, (seconds * 1000) / this.speed),
    );
    this.timers.add(t);
  }

  private async send(command: Command): Promise<void> {
    try {
      await this.o.site.dispatch(command);
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  private onEvent(e: Event): void {
    const me = this.o.agentId;
    if (e.type === 'AgentPaused' && e.agentId === me) {
      this.later(10, () => void this.send({ type: 'agentReady', agentId: me }));
      return;
    }
    if (e.type !== 'CallConnected' || e.agentId !== me) return;
    const script = this.o.scripts.get(this.o.site.state.data.calls[e.callId]?.callerNumber ?? null);
    const callId = e.callId;
    const still = () => this.o.site.state.data.calls[callId]?.parties.some((p) => p.agentId === me) ?? false;
    const act = (seconds: number, run: () => void) => this.later(seconds, () => still() && run());
    const hangUp = (disposition?: string) =>
      void this.send({ type: 'hangUp', callId, agentId: me, disposition });
    switch (e.stage) {
      case 'n1':
        act(
          script.n1TalkS,
          () => void this.atN1(callId, script.qualification, script.caller, script.regulationTalkS),
        );
        return;
      case 'n2':
        act(script.n2TalkS ?? 60, () => {
          if (script.regulationTalkS === null)
            return hangUp(e.branch === 'mg' ? 'conseil-medical' : undefined);
          void this.send({
            type: 'transferCall',
            callId,
            agentId: me,
            to: e.branch === 'mg' ? 'reg-mg' : undefined,
          });
        });
        return;
      case 'regulation':
        act(script.regulationTalkS ?? 120, () => {
          if (e.kind === 'conference' || script.bookingTalkS === null)
            return hangUp(e.branch === 'mg' ? 'conseil-medical' : 'envoi-moyens');
          void this.send({ type: 'transferCall', callId, agentId: me, to: 'book-mg' });
        });
        return;
      case 'booking':
        act(script.bookingTalkS ?? 60, () => hangUp('consultation'));
        return;
    }
  }

  private async atN1(
    callId: string,
    qualification: 'P0' | 'P1' | 'P2' | 'DR',
    caller: string,
    regulation: number | null,
  ) {
    const me = this.o.agentId;
    await this.send({ type: 'qualifyCall', callId, agentId: me, qualification, name: caller || 'Inconnu' });
    if (qualification === 'DR') return this.send({ type: 'hangUp', callId, agentId: me });
    if (qualification !== 'P0') return this.send({ type: 'transferCall', callId, agentId: me });
    // P0: the ARM keeps the call and brings the emergency doctor in; it hangs up once the doctor is done.
    if (regulation !== null) await this.send({ type: 'bringInDoctor', callId, agentId: me });
    const waitDoctor = () => {
      const call = this.o.site.state.data.calls[callId];
      if (!call || !call.parties.some((p) => p.agentId === me)) return;
      if (call.pending || call.parties.length > 1) return this.later(5, waitDoctor);
      void this.send({ type: 'hangUp', callId, agentId: me });
    };
    this.later(regulation === null ? 30 : 5, waitDoctor);
  }
}
