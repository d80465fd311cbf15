// Supervisor listen-in on Asterisk (ARI), for the engine's `listenIn` / `stopListening` effects
// (src/core/listen-in.ts; docs/supervision.md). The supervisor's phone is originated into the app
// ("listen,<supervisorId>,<callId>"); once it answers:
// - listen / whisper: a snoop channel on the agent's leg (POST /channels/{agent}/snoop, spy=both:
//   the agent's voice and what the agent hears; whisper=out for a whisper: spoken into what the
//   agent hears only, never to the caller), bridged with the supervisor's phone in a mixing bridge
//   of its own ("listen-<callId>-<supervisorId>");
// - barge: the supervisor's phone joins the call's mixing bridge (everyone hears everyone).
// The snoop channel is answered with 200 before it enters the app (Asterisk starts its Stasis thread
// afterwards, res_stasis_snoop.c), and a channel not in the app cannot join a bridge (422): it is
// bridged once its StasisStart has come, which its own id, chosen here, lets us wait for.
// Asterisk hangs a snoop channel up when the channel it spies on goes (res_stasis_snoop.c:
// snoop_read returns NULL once the audiohook stops), and it gets StasisEnd only, no ChannelDestroyed
// (traces/bridge-recording.json). The supervisor's phone hanging up, or never answering, is
// reported as `stopListening`; everything the listen-in made is removed at its end, the snoop
// channel until Asterisk has destroyed it (./snoop-release.ts: on a silent leg it would stay).
import { randomUUID } from 'node:crypto';
import type { Command } from '../../core/commands.js';
import type { Effect } from '../../core/effects.js';
import type { CallPlan } from '../../core/telephony-plan.js';
import type { Logger } from '../../ports/logger.js';
import type { AriBridgeJson, AriChannelJson, AriRest } from './ari-rest.js';
import { releaseSnoop } from './snoop-release.js';

type ListenIn = Extract<Effect, { type: 'listenIn' }>;

type Session = {
  callId: string;
  supervisorId: string;
  agentId: string;
  mode: ListenIn['mode'];
  phone: string | null;
  answered: boolean;
  snoop: string | null;
  /** The agent's leg the snoop spies on. */
  spied: string | null;
  bridge: string | null;
};

export type ListenInOptions = {
  app: string;
  endpointOf: (agentId: string) => string;
  logger: Logger;
  sink: (command: Command, at: number) => void;
  /** The answered leg of an agent on a call, if any. */
  agentChannel: (callId: string, agentId: string) => string | null;
  /** The call's mixing bridge, if it has one. */
  callBridge: (callId: string) => Promise<string> | undefined;
  hangup: (channelId: string) => Promise<void>;
};

const keyOf = (callId: string, supervisorId: string) => `${callId}|${supervisorId}`;

export class AriListenIn {
  private readonly sessions = new Map<string, Session>();
  private readonly byChannel = new Map<string, Session>();
  /** Snoop channels asked for, waiting for their StasisStart. */
  private readonly snoopStarts = new Map<string, () => void>();

  constructor(private readonly opts: ListenInOptions) {}

  /** Rings the supervisor's phone; the rest happens when it answers (StasisStart). */
  async start(c: AriRest, f: ListenIn, at: number): Promise<void> {
    const key = keyOf(f.callId, f.supervisorId);
    if (this.sessions.has(key)) return; // carried out already (re-adopted after a take-over)
    const s: Session = {
      callId: f.callId,
      supervisorId: f.supervisorId,
      agentId: f.agentId,
      mode: f.mode,
      phone: null,
      answered: false,
      snoop: null,
      spied: null,
      bridge: null,
    };
    this.sessions.set(key, s);
    let ch: AriChannelJson;
    try {
      ch = await c.channels.originate({
        endpoint: this.opts.endpointOf(f.supervisorId),
        app: this.opts.app,
        appArgs: `listen,${f.supervisorId},${f.callId}`,
        callerId: '"Ecoute SAS" <15>',
        timeout: 30,
        variables: f.autoAnswer ? { 'PJSIP_HEADER(add,Call-Info)': 'answer-after=0' } : {},
      });
    } catch (err) {
      this.opts.logger.warn(
        { callId: f.callId, err: (err as Error)?.message },
        'supervisor phone not called',
      );
      this.sessions.delete(key);
      this.opts.sink(
        { type: 'stopListening', callId: f.callId, supervisorId: f.supervisorId, reason: 'unreachable' },
        at,
      );
      return;
    }
    if (this.sessions.get(key) !== s) {
      await this.opts.hangup(ch.id); // stopped while the phone was being called
      return;
    }
    if (!s.phone) {
      s.phone = ch.id;
      this.byChannel.set(ch.id, s);
    }
  }

  /** Hangs up the supervisor's phone and removes what the listen-in made; a gone one is a no-op. */
  async stop(c: AriRest, callId: string, supervisorId: string): Promise<void> {
    const s = this.sessions.get(keyOf(callId, supervisorId));
    if (!s) return;
    await this.teardown(c, s);
  }

  /** A StasisStart of ours (true), or not (false). */
  onStasisStart(c: AriRest | null, ch: AriChannelJson, args: string[], at: number): boolean {
    if (args[0] === 'snoop') {
      this.snoopStarts.get(ch.id)?.(); // connect() bridges it now
      return true;
    }
    if (args[0] !== 'listen') return false;
    const [, supervisorId, callId] = args;
    const s = supervisorId && callId ? this.sessions.get(keyOf(callId, supervisorId)) : undefined;
    if (!s || !c) {
      void this.opts.hangup(ch.id); // a listen-in that has ended meanwhile, or none we know
      return true;
    }
    s.phone = ch.id;
    s.answered = true;
    this.byChannel.set(ch.id, s);
    this.connect(c, s).catch((err: Error) => {
      if (this.sessions.get(keyOf(s.callId, s.supervisorId)) !== s) return; // stopped meanwhile
      this.opts.logger.warn({ callId: s.callId, err: err?.message }, 'listen-in not connected');
      void this.teardown(c, s);
      this.opts.sink(
        { type: 'stopListening', callId: s.callId, supervisorId: s.supervisorId, reason: 'unreachable' },
        at,
      );
    });
    return true;
  }

  /**
   * A channel of ours ended (StasisEnd or ChannelDestroyed, whichever comes first): true if it was
   * one of ours. The supervisor's phone hanging up (or never answering) ends the listen-in.
   */
  onChannelEnd(c: AriRest | null, id: string, at: number): boolean {
    const s = this.byChannel.get(id);
    if (!s) return false;
    this.byChannel.delete(id);
    if (id === s.snoop) {
      s.snoop = null; // its agent leg went: the engine ends the listen-in with the leg
      return true;
    }
    if (id !== s.phone || this.sessions.get(keyOf(s.callId, s.supervisorId)) !== s) return true;
    s.phone = null;
    if (c) void this.teardown(c, s);
    else this.forget(s);
    const reason = s.answered ? 'supervisor-hung-up' : 'unreachable';
    this.opts.sink({ type: 'stopListening', callId: s.callId, supervisorId: s.supervisorId, reason }, at);
    return true;
  }

  /**
   * At a take-over: a supervisor's phone or snoop channel the engine still has listening is kept and
   * tracked again (true); one it does not is hung up (true); anything else is not ours (false).
   */
  async adopt(
    c: AriRest,
    ch: AriChannelJson,
    kind: string | undefined,
    rest: string[],
    planned: Map<string, CallPlan>,
    inBridge: Map<string, AriBridgeJson>,
  ): Promise<boolean> {
    if (kind !== 'listen' && kind !== 'snoop') return false;
    const [supervisorId, callId] = rest;
    const l = callId
      ? planned.get(callId)?.listeners?.find((x) => x.supervisorId === supervisorId)
      : undefined;
    if (!l || !callId || !supervisorId) {
      await this.opts.hangup(ch.id);
      return true;
    }
    const key = keyOf(callId, supervisorId);
    let s = this.sessions.get(key);
    if (!s) {
      s = {
        callId,
        supervisorId,
        agentId: l.agentId,
        mode: l.mode,
        phone: null,
        answered: false,
        snoop: null,
        spied: null,
        bridge: null,
      };
      this.sessions.set(key, s);
    }
    if (kind === 'listen') {
      s.phone = ch.id;
      s.answered = ch.state === 'Up';
    } else s.snoop = ch.id;
    const b = inBridge.get(ch.id);
    if (b?.name.startsWith('listen-')) s.bridge = b.id;
    this.byChannel.set(ch.id, s);
    return true;
  }

  private async connect(c: AriRest, s: Session): Promise<void> {
    const phone = s.phone!;
    const live = () => this.sessions.get(keyOf(s.callId, s.supervisorId)) === s;
    if (s.mode === 'barge') {
      const bridge = this.opts.callBridge(s.callId);
      if (!bridge) throw new Error(`call ${s.callId} has no bridge to join`);
      await c.bridges.addChannel({ bridgeId: await bridge, channel: phone });
      return;
    }
    const agentLeg = this.opts.agentChannel(s.callId, s.agentId);
    if (!agentLeg) throw new Error(`agent ${s.agentId} has no leg on call ${s.callId}`);
    const snoopId = `snoop-${randomUUID()}`;
    let timer: NodeJS.Timeout | undefined;
    const inApp = new Promise<void>((resolve, reject) => {
      this.snoopStarts.set(snoopId, resolve);
      timer = setTimeout(() => reject(new Error('the snoop channel never entered the app')), 5000);
      timer.unref();
    }).finally(() => {
      clearTimeout(timer);
      this.snoopStarts.delete(snoopId);
    });
    inApp.catch(() => undefined); // awaited below; a request failing first must not leave it unhandled
    s.snoop = snoopId;
    s.spied = agentLeg;
    this.byChannel.set(snoopId, s);
    await c.channels.snoopChannel({
      channelId: agentLeg,
      app: this.opts.app,
      appArgs: `snoop,${s.supervisorId},${s.callId}`,
      spy: 'both', // the agent's voice and what the agent hears
      whisper: s.mode === 'whisper' ? 'out' : 'none', // out: heard by the agent only
      snoopId,
    });
    if (!live()) return this.dropSnoop(c, snoopId, agentLeg); // stopped while it was being made
    await inApp;
    if (!live()) return this.dropSnoop(c, snoopId, agentLeg);
    const bridge = await c.bridges.create({ type: 'mixing', name: `listen-${s.callId}-${s.supervisorId}` });
    if (!live()) {
      await this.dropSnoop(c, snoopId, agentLeg);
      return c.bridges.destroy({ bridgeId: bridge.id }).catch(() => undefined);
    }
    s.bridge = bridge.id;
    await c.bridges.addChannel({ bridgeId: bridge.id, channel: snoopId });
    await c.bridges.addChannel({ bridgeId: bridge.id, channel: phone });
  }

  private forget(s: Session): void {
    if (this.sessions.get(keyOf(s.callId, s.supervisorId)) === s)
      this.sessions.delete(keyOf(s.callId, s.supervisorId));
    if (s.phone) this.byChannel.delete(s.phone);
    if (s.snoop) this.byChannel.delete(s.snoop);
  }

  private async teardown(c: AriRest, s: Session): Promise<void> {
    this.forget(s);
    const { phone, snoop, bridge } = s;
    const spied = s.spied ?? this.opts.agentChannel(s.callId, s.agentId); // adopted: not known
    s.phone = s.snoop = s.spied = s.bridge = null;
    if (phone) await this.opts.hangup(phone);
    if (bridge) await c.bridges.destroy({ bridgeId: bridge }).catch(() => undefined);
    if (snoop) await this.dropSnoop(c, snoop, spied);
  }

  /** Hangs a snoop channel up until Asterisk has destroyed it (./snoop-release.ts). */
  private async dropSnoop(c: AriRest, snoopId: string, spied: string | null): Promise<void> {
    if (await releaseSnoop(c, snoopId, spied, this.opts.hangup)) return;
    this.opts.logger.warn({ snoopId, spied }, 'snoop channel hung up but still on the PBX');
  }
}
