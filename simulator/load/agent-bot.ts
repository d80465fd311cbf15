// A bot agent: logs in, answers its phone, and plays each call as the caller's trace row says,
// through the shared agent script the digital twin uses too (simulator/agent-script): qualifies
// and transfers at N1, passes the call to the doctor or ends it at N2, books at N4. It acts through
// the same SiteHandle as a person's panel would (engine commands).
import type { SiteHandle } from '../../src/ports/site-handle.js';
import type { Command } from '../../src/core/commands.js';
import type { Event } from '../../src/core/events.js';
import type { PhoneClient } from '../bots/phone-client.js';
import type { TraceCall } from '../traffic/trace.js';
import {
  afterPartyLeft,
  afterTalk,
  siteTargets,
  stepOnConnect,
  talkSeconds,
  type AgentStep,
} from '../agent-script/agent-script.js';
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
    const state = this.o.site.state;
    if (e.type === 'AgentLeftCall' && e.agentId !== me) {
      // Another party left: the ARM who kept a P0 ends the call once the doctor is done.
      const call = state.data.calls[e.callId];
      if (call) void this.sendAll(afterPartyLeft(siteTargets(state.data.config), call, me));
      return;
    }
    if (e.type !== 'CallConnected' || e.agentId !== me) return;
    const row = this.o.scripts.get(state.data.calls[e.callId]?.callerNumber ?? null);
    this.play(e.callId, row, stepOnConnect(e), talkSeconds(row, stepOnConnect(e)));
  }

  /** Talks for the step's time, then sends what the shared agent script says (simulator/agent-script). */
  private play(callId: string, row: TraceCall, step: AgentStep, seconds: number): void {
    const me = this.o.agentId;
    this.later(seconds, () => {
      const state = this.o.site.state;
      const call = state.data.calls[callId];
      if (!call?.parties.some((p) => p.agentId === me)) return;
      const turn = afterTalk(siteTargets(state.data.config), call, row, step, me);
      void this.sendAll(turn.commands).then(() => {
        if (turn.then) this.play(callId, row, turn.then.step, turn.then.afterSeconds);
      });
    });
  }

  private async sendAll(commands: Command[]): Promise<void> {
    for (const command of commands) await this.send(command);
  }
}
