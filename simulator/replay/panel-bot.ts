// A bot agent that works like a person's panel: it logs in through the REST API, follows its desk
// on the Socket.IO `/agent` feed, answers its phone on sim-pbx's endpoint side, talks for the trace
// row's time, then qualifies, transfers, brings the doctor in and hangs up through the API, as the
// shared agent script says (simulator/agent-script, the script the twin plays too).
import { io, type Socket } from 'socket.io-client';
import type { Command } from '../../src/core/commands.js';
import type { SiteConfig } from '../../src/core/config.js';
import type { CallView, AgentView } from '../../src/read-models/views.js';
import {
  afterPartyLeft,
  afterTalk,
  siteTargets,
  talkSeconds,
  type AgentStep,
} from '../agent-script/agent-script.js';
import type { PhoneClient } from '../bots/phone-client.js';
import type { ScriptBook } from '../load/script-book.js';
import type { TraceCall } from '../traffic/trace.js';
import { AcdClient, AcdHttpError, type AcdUser } from './acd-client.js';

type Desk = { agent: AgentView; call: CallView | null };
type Offer = { callId: string; call: CallView | null };

export type PanelBotOptions = {
  acdUrl: string;
  siteId: string;
  agentId: string;
  user: AcdUser;
  config: SiteConfig;
  phone: PhoneClient;
  scripts: ScriptBook;
  /** Simulated seconds per real second (talk times are divided by it). */
  speed: number;
  onError?: (err: unknown) => void;
};

export class PanelBot {
  readonly client: AcdClient;
  private socket: Socket | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly targets: ReturnType<typeof siteTargets>;
  /** Calls this bot has started to play, and how many parties each had at the last update. */
  private readonly playing = new Map<string, number>();
  private readonly offerKinds = new Map<string, string>();
  private stopped = false;
  private pausedSeen = false;

  constructor(private readonly o: PanelBotOptions) {
    this.client = new AcdClient(o.acdUrl, o.user);
    this.targets = siteTargets(o.config);
  }

  async start(): Promise<void> {
    this.o.phone.autoAnswer(0);
    await this.client.login();
    await new Promise<void>((resolve, reject) => {
      const socket = io(`${this.o.acdUrl}/agent`, {
        auth: (cb) => cb({ token: this.client.token, sites: [this.o.siteId] }),
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 1000,
      });
      this.socket = socket;
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
      socket.on('snapshot', (d: Desk) => this.onDesk(d));
      socket.on('update', (d: Desk) => this.onDesk(d));
      socket.on('offer', (m: Offer) => {
        if (m.call?.waiting) this.offerKinds.set(m.callId, m.call.waiting.kind);
      });
    });
    await this.send(`/sites/${this.o.siteId}/agent/login`, {});
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.socket?.close();
    this.client.close();
  }

  private later(seconds: number, run: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        if (!this.stopped) run();
      },
      Math.max(0, (seconds * 1000) / this.o.speed),
    );
    this.timers.add(t);
  }

  private async send(path: string, body: unknown): Promise<boolean> {
    try {
      await this.client.post(path, body);
      return true;
    } catch (err) {
      // 404/409: the call ended or moved on meanwhile (the caller hung up): nothing to do.
      if (err instanceof AcdHttpError && (err.status === 404 || err.status === 409)) return false;
      if (!this.stopped) this.o.onError?.(err);
      return false;
    }
  }

  private onDesk(d: Desk): void {
    const me = this.o.agentId;
    if (d.agent.status === 'paused' && !this.pausedSeen) {
      // A missed ring pauses the seat: the panel's user comes back after a short while.
      this.pausedSeen = true;
      this.later(10, () => {
        this.pausedSeen = false;
        void this.send(`/sites/${this.o.siteId}/agent/ready`, {});
      });
    }
    const call = d.call;
    // The desk shows the seat's one call: any other this bot was playing is over for it. A call that
    // comes back to the same seat later (its leg was lost and it was queued again) is played anew.
    for (const id of this.playing.keys()) if (id !== call?.id) this.playing.delete(id);
    if (!call) return;
    const mine = call.parties.find((p) => p.agentId === me);
    if (!mine) {
      this.playing.delete(call.id); // offered again, not yet answered
      return;
    }
    const seen = this.playing.get(call.id);
    this.playing.set(call.id, call.parties.length);
    if (seen === undefined) {
      const queue = this.o.config.queues.find((q) => q.id === mine.queueId);
      const kind = this.offerKinds.get(call.id);
      this.offerKinds.delete(call.id);
      const step: AgentStep = kind === 'conference' ? 'conference' : (queue?.stage ?? 'n1');
      const row = this.o.scripts.get(call.callerNumber);
      this.play(call.id, row, step, talkSeconds(row, step));
      return;
    }
    // Another party left: the ARM who kept a P0 ends the call once the doctor is done.
    if (call.parties.length < seen) {
      const pending = call.waiting ? { queueId: call.waiting.queueId } : null;
      void this.sendAll(
        afterPartyLeft(
          this.targets,
          { ...call, pending } as unknown as Parameters<typeof afterPartyLeft>[1],
          me,
        ),
      );
    }
  }

  /** Talks for the step's time, then sends what the shared agent script says. */
  private play(callId: string, row: TraceCall, step: AgentStep, seconds: number): void {
    this.later(seconds, () => {
      void this.client
        .get<CallView>(`/sites/${this.o.siteId}/calls/${callId}`)
        .then((call) => {
          if (!call.parties.some((p) => p.agentId === this.o.agentId)) return;
          const turn = afterTalk(this.targets, call, row, step, this.o.agentId);
          return this.sendAll(turn.commands).then(() => {
            if (turn.then) this.play(callId, row, turn.then.step, turn.then.afterSeconds);
          });
        })
        .catch((err: unknown) => {
          if (err instanceof AcdHttpError && (err.status === 404 || err.status === 403)) return;
          if (!this.stopped) this.o.onError?.(err);
        });
    });
  }

  private async sendAll(commands: Command[]): Promise<void> {
    for (const c of commands) {
      const base = `/sites/${this.o.siteId}/calls/${'callId' in c ? c.callId : ''}`;
      switch (c.type) {
        case 'qualifyCall':
          await this.send(`${base}/qualify`, {
            qualification: c.qualification,
            ...(c.name !== undefined ? { name: c.name } : {}),
          });
          break;
        case 'transferCall':
          await this.send(`${base}/transfer`, c.to !== undefined ? { to: c.to } : {});
          break;
        case 'bringInDoctor':
          await this.send(`${base}/doctor`, {});
          break;
        case 'hangUp':
          if ('callId' in c) this.playing.delete(c.callId);
          await this.send(
            `${base}/hangup`,
            c.disposition !== undefined ? { disposition: c.disposition } : {},
          );
          break;
        default:
          this.o.onError?.(new Error(`the agent script sent ${c.type}, which the panel bot cannot send`));
      }
    }
  }
}
