// The Asterisk adapter (ARI, through the real ari-client). It translates ARI events into engine
// commands and engine effects into ARI requests, and holds no rule of the 15: one holding bridge
// with music per queue, one mixing bridge per call, agents originated into the Stasis app with
// "agent,<agentId>,<callId>" as arguments. Timestamps come from the ARI events.
import { randomUUID } from 'node:crypto';
import type { Effect } from '../../core/effects.js';
import type { Logger } from '../../ports/logger.js';
import type { CommandSink, TelephonyPort } from '../port.js';
import type { Command } from '../../core/commands.js';
import type { CallPlan } from '../../core/telephony-plan.js';
import {
  ariTime,
  type AriBridgeJson,
  type AriChannelJson,
  type AriEventJson,
  type AriRest,
} from './ari-rest.js';
import type { Drift, PbxView } from './reconcile.js';
import { stasisOptions } from './stasis-args.js';
import { refusalOf, type RefusedCall } from './trunk-refusal.js';
import {
  CallRecorder,
  type AriRecordingEvent,
  type CallRecordingOptions,
  type RecordingAvailable,
} from './call-recording.js';
import { AriListenIn } from './listen-in.js';
import { ARI_REST_TIMEOUT_MS, connectAri } from './rest-timeout.js';
import {
  CALLER_EFFECTS,
  callerStillThere,
  connectOf,
  isBridgeNotFound,
  isChannelNotFound,
} from './caller-gone.js';
import { guardAriWebSocket, type AriWsGuard } from './ws-guard.js';
import { answersOnBridge } from './answer-on-bridge.js';
import { AriConsultations } from './consultation.js';

export type AriAdapterOptions = {
  url: string;
  user: string;
  password: string;
  app: string;
  /** Where to ring an agent, e.g. "PJSIP/arm-12". */
  endpointOf: (agentId: string) => string;
  /** How to reach an outside number (callbacks, click-to-dial). */
  outboundEndpoint?: (number: string) => string;
  /** Dialplan context that sends a caller to a partner SAS. */
  partnerContext?: string;
  callerId?: string;
  logger: Logger;
  clock?: () => number;
  /**
   * Told when the ARI WebSocket drops (false) and comes back (true). Without it the adapter
   * re-adopts by itself on reconnection; with it the owner does (serve: through the effect outbox).
   */
  onLink?: (up: boolean) => void;
  /**
   * ari-client stopped reconnecting (WebSocketMaxRetries; by default 10 tries, about 43 s): the
   * link stays down until the owner replaces this adapter (src/app/site-pbx.ts does).
   */
  onGaveUp?: () => void;
  /** Another client took the Stasis application over (ApplicationReplaced): the next leader's. */
  onReplaced?: () => void;
  /** Record each call's mixing bridge (./call-recording.ts); absent: nothing is recorded. */
  recording?: CallRecordingOptions;
  /** A call's recording is finished and stored on the PBX. */
  onRecording?: (r: RecordingAvailable) => void;
  /**
   * Several sites on one Asterisk (serve with several sites): holding bridges are named
   * `queue-<tag>:<queue>`, so a take-over never adopts another site's bridge of the same queue id.
   */
  holdingBridgeTag?: string;
  /** A call the PBX refused before distribution (./trunk-refusal.ts): hung up with congestion. */
  onRefused?: (r: RefusedCall) => void;
  /**
   * Bound on each ARI REST request (./rest-timeout.ts; env ARI_REST_TIMEOUT_MS), ms. The event
   * WebSocket's opening handshake, one HTTP request too, gets the same bound (./ws-guard.ts).
   */
  restTimeoutMs?: number;
};

type Leg = {
  channelId: string | null;
  callId: string;
  agentId: string;
  answered: boolean;
  connectWanted: boolean;
  /** The agent's own leg of a click-to-dial: its end (or failure) is the agent hanging up. */
  dialOut?: boolean;
  /** Bridged with its caller before the answer was told (./answer-on-bridge.ts). */
  bridged?: boolean;
};
/** `hold`: the caller's last holdCaller, to put it back if an answer is not taken. */
type Caller = {
  channelId: string;
  line: string;
  answered: boolean;
  hold?: { queueId: string; music: string };
  /**
   * First answers bridged so far (./answer-on-bridge.ts), and whether one is being bridged now. A
   * holdCaller sent before that answer (the queue's hold, slower than the agent's auto-answer) must
   * not move the caller out of the agent's bridge: it sees the count change, or the bridging.
   */
  answersBridged?: number;
  bridgingAnswer?: boolean;
};

/** What a take-over found and did (counts). */
export type AdoptionReport = {
  callers: number;
  legs: number;
  /** Callers in the app the engine never heard of, reported as arrivals now. */
  arrived: number;
  /** Calls of the engine whose caller is gone from the PBX, reported as hung up. */
  gone: number;
  rung: number;
  held: number;
  /** Agent legs for nothing the engine knows, hung up. */
  strays: number;
  /**
   * Callers of calls the engine had already ended (the old leader died before hanging them up):
   * hung up now, never taken for a new arrival (that would answer and count the call twice).
   */
  ended: number;
  /** Callers left to a pending effect (a redirect decided before the take-over). */
  left: number;
  /** Connected callers found outside their call's bridge, put back with their agent. */
  rejoined: number;
};

/**
 * ari-client's swagger loader prints a deprecation notice (an array) while it connects. That notice
 * is filtered out for the time of the connect only (nested connects counted); nothing else of the
 * console is touched, and the console is itself again once every connect has settled.
 */
let connecting = 0;
let consoleLog: typeof console.log | null = null;
export async function withoutSwaggerNotice<T>(connect: () => Promise<T>): Promise<T> {
  if (connecting++ === 0) {
    const log = console.log;
    consoleLog = log;
    console.log = (...args: unknown[]) => {
      if (!String(args[0]).includes('deprecated version of Swagger')) log(...args);
    };
  }
  try {
    return await connect();
  } finally {
    if (--connecting === 0 && consoleLog) {
      console.log = consoleLog;
      consoleLog = null;
    }
  }
}

export class AriAdapter implements TelephonyPort {
  private client: AriRest | null = null;
  private sink: CommandSink = () => {};
  private readonly callers = new Map<string, Caller>();
  private readonly legs = new Map<string, Leg>(); // key: callId|agentId
  private readonly legByChannel = new Map<string, Leg>();
  private readonly ours = new Set<string>(); // channels we hung up or sent away: their end is not news
  private readonly holding = new Map<string, Promise<string>>(); // queueId -> bridge id
  private readonly mixing = new Map<string, Promise<string>>(); // callId -> bridge id
  private readonly callbackOffered = new Set<string>();
  private readonly dialOuts = new Set<string>(); // outbound channels we originated (id = the call's id)
  private readonly dialOutParents = new Map<string, string>(); // dial-out id -> the call it joins
  private up = false;
  private linkLost = false;
  /** The client's WebSocket guard (./ws-guard.ts): a stopped client never reconnects. */
  private wsGuard: AriWsGuard | null = null;
  /** Bumped by each start and stop: a start overtaken by a stop gives up (never connects). */
  private generation = 0;
  private stoppedWhileStarting: ((err: Error) => void) | null = null;
  /** Resolves the wait of agent legs seen between connecting and the first adoption. */
  private openBeforeAdoption: (() => void) | null = null;
  private adoption: Promise<void> | null = null;
  private readonly clock: () => number;
  private readonly recorder: CallRecorder | null;
  /** Supervisor listen-in (./listen-in.ts): its channels never reach the call handling below. */
  private readonly listenIn: AriListenIn;
  /** Consultative outside transfers (./consultation.ts). */
  private readonly consultations: AriConsultations;

  constructor(private readonly opts: AriAdapterOptions) {
    this.clock = opts.clock ?? Date.now;
    this.listenIn = new AriListenIn({
      app: opts.app,
      endpointOf: opts.endpointOf,
      logger: opts.logger,
      sink: (cmd, at) => this.sink(cmd, at),
      agentChannel: (callId, agentId) => {
        const leg = this.legs.get(`${callId}|${agentId}`);
        return leg?.answered ? leg.channelId : null;
      },
      callBridge: (callId) => this.mixing.get(callId),
      hangup: async (channelId) => {
        await this.client?.channels.hangup({ channelId }).catch(() => undefined);
      },
    });
    this.consultations = new AriConsultations({
      logger: opts.logger,
      mixing: (callId) => this.mixing.get(callId),
      ensureMixing: (c, callId) => this.mixingBridge(c, callId),
      dropMixing: (c, callId) => this.dropMixing(c, callId),
      legChannel: (callId, agentId) => {
        const leg = this.legs.get(`${callId}|${agentId}`);
        return leg?.answered ? leg.channelId : null;
      },
      moveLeg: (from, to, agentId) => {
        const leg = this.legs.get(`${from}|${agentId}`);
        if (!leg) return;
        this.legs.delete(`${from}|${agentId}`);
        Object.assign(leg, { callId: to, connectWanted: true, dialOut: true });
        this.legs.set(`${to}|${agentId}`, leg);
      },
      forgetParent: (outCallId) => this.dialOutParents.delete(outCallId),
    });
    this.recorder = opts.recording
      ? new CallRecorder(opts.recording, opts.logger, (r) => opts.onRecording?.(r))
      : null;
  }

  get connected(): boolean {
    return this.up;
  }

  async start(sink: CommandSink): Promise<void> {
    this.sink = sink;
    // An owner that re-adopts (onLink given) does so right after connecting: until then an agent
    // leg we have not adopted yet is not a stranger to hang up (its call may be in the plan).
    if (this.opts.onLink && !this.adoption) {
      let opened!: () => void;
      this.adoption = new Promise<void>((resolve) => (opened = resolve));
      this.openBeforeAdoption = opened;
    }
    const generation = ++this.generation;
    const restTimeoutMs = this.opts.restTimeoutMs ?? ARI_REST_TIMEOUT_MS;
    const client = (await withoutSwaggerNotice(() =>
      connectAri(this.opts.url, this.opts.user, this.opts.password, restTimeoutMs),
    )) as AriRest;
    if (generation !== this.generation) throw new Error('ARI adapter stopped while connecting');
    this.client = client;
    this.wsGuard = guardAriWebSocket(client, restTimeoutMs, (reason) =>
      reason === 'stopped'
        ? this.opts.logger.info('ARI client stopped: its pending reconnection cancelled')
        : this.opts.logger.warn({ ms: restTimeoutMs }, 'ARI WebSocket not open in time: attempt abandoned'),
    );
    client.on('StasisStart', (e: AriEventJson) => this.guard(e, () => this.onStasisStart(e)));
    client.on('StasisEnd', (e: AriEventJson) => this.guard(e, () => this.onStasisEnd(e)));
    client.on('ChannelDestroyed', (e: AriEventJson) => this.guard(e, () => this.onChannelDestroyed(e)));
    client.on('ChannelDtmfReceived', (e: AriEventJson) => this.guard(e, () => this.onDtmf(e)));
    for (const type of ['RecordingFinished', 'RecordingFailed'])
      client.on(type, (e: AriRecordingEvent) =>
        this.recorder?.onEvent(e, ariTime(e?.timestamp, this.clock())),
      );
    client.on('WebSocketConnected', () => {
      this.up = true;
      if (!this.opts.onLink) void this.readopt();
      else if (this.linkLost) {
        this.linkLost = false; // a reconnection (the first connect is start's to report)
        this.opts.onLink(true);
      }
    });
    let opened = false; // a first WebSocket that fails and is retried is start's own business
    const down = (): void => {
      if (!opened) return;
      if (!this.linkLost) this.opts.onLink?.(false);
      this.linkLost = true;
      this.up = false;
    };
    client.on('WebSocketReconnecting', down);
    client.on('ApplicationReplaced', () => this.opts.onReplaced?.());
    client.on('WebSocketMaxRetries', () => {
      down();
      this.opts.onGaveUp?.();
    });
    // A stop while the first WebSocket is still being tried ends that wait (ari-client would not).
    let stoppedWhileStarting!: (err: Error) => void;
    this.stoppedWhileStarting = (err) => stoppedWhileStarting(err);
    await Promise.race([
      client.start(this.opts.app),
      new Promise<never>((_resolve, reject) => (stoppedWhileStarting = reject)),
    ]).finally(() => (this.stoppedWhileStarting = null));
    opened = true;
    this.up = true;
  }

  async stop(): Promise<void> {
    this.generation++;
    this.up = false;
    this.openBeforeAdoption?.();
    this.openBeforeAdoption = null;
    // First the guard: a reconnection ari-client has already scheduled must never open.
    this.wsGuard?.stop();
    this.wsGuard = null;
    this.client?.stop();
    this.client = null;
    this.stoppedWhileStarting?.(new Error('ARI adapter stopped while connecting'));
  }

  /** Malformed or unexpected events are logged and ignored, never a crash. */
  private guard(e: AriEventJson, handle: () => void): void {
    try {
      if (!e || typeof e !== 'object' || !e.channel?.id) {
        this.opts.logger.warn({ event: e?.type }, 'ARI event without a channel ignored');
        return;
      }
      handle();
    } catch (err) {
      this.opts.logger.error({ err, event: e.type }, 'ARI event could not be handled');
    }
  }

  private at(e: AriEventJson): number {
    return ariTime(e.timestamp, this.clock());
  }

  private onStasisStart(e: AriEventJson): void {
    const ch = e.channel!;
    const args = e.args ?? [];
    if (this.listenIn.onStasisStart(this.client, ch, args, this.at(e))) return;
    if (args[0] === 'agent') {
      const [, agentId, callId] = args;
      const leg = agentId && callId ? this.legs.get(`${callId}|${agentId}`) : undefined;
      if (!leg && this.adoption) {
        // Answered while a take-over is listing the PBX: decide once the leg may have been adopted.
        void this.adoption.then(() => this.guard(e, () => this.onStasisStart(e)));
        return;
      }
      // A leg we are hanging up (a cancelled ring), or an older leg of the same agent for this call
      // (rung again since): never the answer of the current offer, whose leg it would take over.
      if (this.ours.has(ch.id)) return;
      if (!leg || (leg.channelId !== null && leg.channelId !== ch.id)) {
        this.opts.logger.warn(
          { channel: ch.id, agentId, callId },
          'agent leg for no known offer: hanging up',
        );
        void this.hangupChannel(ch.id);
        return;
      }
      leg.channelId = ch.id;
      leg.answered = true;
      this.legByChannel.set(ch.id, leg);
      // A click-to-dial's agent joins the call's bridge alone: the far end joins when it answers.
      if (leg.connectWanted && leg.dialOut) this.joinDialOut(leg.callId, leg.callId, ch.id);
      else if (leg.connectWanted) {
        if (this.callers.has(leg.callId) || this.dialOuts.has(leg.callId))
          this.bridge(leg.callId, ch.id, false).catch((err: unknown) => this.onFailure(connectOf(leg), err));
      } else if (answersOnBridge(leg, this.callers, this.mixing)) void this.bridgeThenAnswer(leg, this.at(e));
      else this.sink({ type: 'answerOffer', callId: leg.callId, agentId: leg.agentId }, this.at(e));
      return;
    }
    if (args[0] === 'outbound') {
      // The far end answered: it joins the agent (click-to-dial) or the call it was placed from
      // (external transfer or conference). The engine already counts an outbound call as placed.
      const parent = this.dialOutParents.get(ch.id);
      if (!this.dialOuts.has(ch.id)) return;
      // A consultation's number joins the agent in its own bridge, the caller waiting on music.
      const own = !parent || this.consultations.isConsultation(ch.id);
      this.joinDialOut(ch.id, own ? ch.id : parent, ch.id);
      // From a call: told to the engine, for which an outside transfer's agent now leaves.
      if (parent) this.sink({ type: 'outsideAnswered', callId: ch.id }, this.at(e));
      return;
    }
    const line = args[0] ?? ch.dialplan?.exten ?? '';
    const refused = refusalOf(args.slice(1));
    if (refused) {
      // Never an arrival: counted, then congestion, as the dialplan would have answered.
      this.opts.onRefused?.({ channelId: ch.id, line, reason: refused, at: this.at(e) });
      void this.client?.channels.hangup({ channelId: ch.id, reason: 'congestion' }).catch(() => undefined);
      return;
    }
    this.callers.set(ch.id, { channelId: ch.id, line, answered: false });
    this.sink(this.arrival(ch, line, args.slice(1)), this.at(e));
  }

  private arrival(ch: AriChannelJson, line: string, more: string[] = []): Command {
    // A withheld number reaches us as "anonymous": it never blocks the call, it is just unknown.
    const number = ch.caller?.number && ch.caller.number !== 'anonymous' ? ch.caller.number : null;
    const name = ch.caller?.name && ch.caller.name !== 'Anonymous' ? ch.caller.name : null;
    // Level asked by a fire-brigade number, origin of a partner's call (stasis-args.ts).
    const { queue, originSite, ignored } = stasisOptions(more);
    if (ignored.length > 0) this.opts.logger.warn({ channel: ch.id, ignored }, 'Stasis arguments ignored');
    return {
      type: 'arriveCall',
      callId: ch.id,
      line,
      callerNumber: number,
      callerName: name,
      ...(queue ? { queue, orEntryQueue: true } : {}),
      ...(originSite ? { originSite } : {}),
    };
  }

  /** A caller who entered from the dialplan gets no ChannelDestroyed: StasisEnd is its end. */
  private onStasisEnd(e: AriEventJson): void {
    const id = e.channel!.id;
    if (this.listenIn.onChannelEnd(this.client, id, this.at(e))) return;
    if (!this.callers.has(id)) return;
    this.callers.delete(id);
    this.callbackOffered.delete(id);
    // The call's bridge has no reason to outlive its caller (Asterisk keeps an empty ARI bridge).
    if (this.client) void this.dropMixing(this.client, id);
    if (this.ours.delete(id)) return;
    this.sink({ type: 'callerHungUp', callId: id }, this.at(e));
  }

  /**
   * Originated legs always end with ChannelDestroyed. An answered agent leg we did not hang up was
   * lost (phone crash, network): never the end of the call. An unanswered one's cause says why the
   * offer failed. A dial-out we did not hang up was ended by the called party.
   */
  private onChannelDestroyed(e: AriEventJson): void {
    const id = e.channel!.id;
    if (this.listenIn.onChannelEnd(this.client, id, this.at(e))) return;
    if (this.dialOuts.delete(id)) {
      this.dialOutParents.delete(id);
      if (this.client) void this.dropMixing(this.client, id);
      if (!this.ours.delete(id)) this.sink({ type: 'callerHungUp', callId: id }, this.at(e));
      return;
    }
    const leg = this.legByChannel.get(id);
    if (!leg) return;
    this.forgetLeg(leg);
    if (this.ours.delete(id)) return;
    if (leg.dialOut) {
      // The agent hung up, or the phone never answered: the outbound call ends, the agent is free.
      this.sink({ type: 'hangUp', callId: leg.callId, agentId: leg.agentId }, this.at(e));
      return;
    }
    if (leg.answered) {
      this.sink({ type: 'agentLegLost', callId: leg.callId, agentId: leg.agentId }, this.at(e));
      return;
    }
    const reason =
      e.cause === 17
        ? 'busy'
        : e.cause === 19 || e.cause === 18
          ? 'no-answer'
          : e.cause === 21
            ? 'rejected'
            : 'unreachable';
    this.sink({ type: 'offerFailed', callId: leg.callId, agentId: leg.agentId, reason }, this.at(e));
  }

  private onDtmf(e: AriEventJson): void {
    const id = e.channel!.id;
    if (e.digit === '1' && this.callbackOffered.delete(id))
      this.sink({ type: 'acceptCallback', callId: id }, this.at(e));
  }

  /** A leg about to be originated, under the channel id it will have on the PBX. */
  private newLeg(callId: string, agentId: string, dialOut: boolean): Leg {
    const leg: Leg = {
      channelId: randomUUID(),
      callId,
      agentId,
      answered: false,
      connectWanted: dialOut,
      ...(dialOut ? { dialOut } : {}),
    };
    this.legs.set(`${callId}|${agentId}`, leg);
    this.legByChannel.set(leg.channelId!, leg);
    return leg;
  }

  private forgetLeg(leg: Leg): void {
    this.legs.delete(`${leg.callId}|${leg.agentId}`);
    if (leg.channelId) this.legByChannel.delete(leg.channelId);
  }

  async execute(effect: Effect): Promise<void> {
    const c = this.client;
    if (!c) {
      this.opts.logger.error({ effect: effect.type }, 'telephony not connected: effect dropped');
      return;
    }
    try {
      await this.run(c, effect);
    } catch (err) {
      this.onFailure(effect, err);
    }
  }

  private async run(c: AriRest, f: Effect): Promise<void> {
    switch (f.type) {
      case 'holdCaller': {
        const caller = this.callers.get(f.callId);
        if (!caller) return;
        // Counted before the first await: the caller's answer can take long enough (a real
        // Asterisk under load) for an auto-answered agent to be bridged with it meanwhile.
        const answersBridged = caller.answersBridged ?? 0;
        if (!caller.answered) {
          caller.answered = true;
          await c.channels.answer({ channelId: f.callId });
        }
        caller.hold = { queueId: f.queueId, music: f.music };
        const bridgeId = await this.holdingBridge(c, f.queueId);
        // Stale: an agent's first answer is being (or was) bridged with the caller since this hold
        // was sent; if that answer is not taken, bridgeThenAnswer puts the caller back on hold.
        if (caller.bridgingAnswer || (caller.answersBridged ?? 0) !== answersBridged) return;
        await c.bridges.addChannel({ bridgeId, channel: f.callId });
        // Asterisk's music channel leaves a holding bridge as soon as it is alone there (res_stasis
        // gives it the "lonely" flag), so music started with the bridge ends with its first caller.
        // Start it at every join, once the caller is in (no window where the last other caller
        // leaves first): while it plays this is a no-op (204, the music goes on from where it was).
        // Not awaited: what follows for this call (ringing the agent) need not wait for the music.
        c.bridges
          .startMoh({ bridgeId, mohClass: f.music })
          .catch((err: Error) =>
            this.opts.logger.warn({ callId: f.callId, err: err?.message }, 'queue music not started'),
          );
        return;
      }
      case 'ringAgent': {
        // The leg's channel id is chosen here, before the request: a ring whose answer never comes
        // (./rest-timeout.ts) can still be hung up, and no other leg's answer is taken for this one.
        const leg = this.newLeg(f.callId, f.agentId, false);
        const variables: Record<string, string> = f.autoAnswer
          ? { 'PJSIP_HEADER(add,Call-Info)': 'answer-after=0' }
          : {};
        await c.channels.originate({
          endpoint: this.opts.endpointOf(f.agentId),
          app: this.opts.app,
          appArgs: `agent,${f.agentId},${f.callId}`,
          callerId: this.opts.callerId ?? '"SAMU 15" <15>',
          timeout: f.timeoutSeconds ?? 30,
          channelId: leg.channelId!,
          variables,
        });
        // Cancelled while the originate was in flight: that phone must not keep ringing.
        if (this.legs.get(`${f.callId}|${f.agentId}`) !== leg) await this.hangupChannel(leg.channelId!);
        return;
      }
      case 'cancelRing':
      case 'releaseAgent': {
        const leg = this.legs.get(`${f.callId}|${f.agentId}`);
        if (!leg) return;
        this.forgetLeg(leg);
        if (leg.channelId) await this.hangupChannel(leg.channelId);
        return;
      }
      case 'connectAgent': {
        const leg = this.legs.get(`${f.callId}|${f.agentId}`);
        if (!leg) return;
        // The caller hung up after the agent answered (./caller-gone.ts): nothing to bridge; its
        // hang-up, already told to the engine, releases this leg.
        if (!this.callers.has(f.callId) && !this.dialOuts.has(f.callId)) return;
        if (leg.bridged) return; // bridged before its answer was told (./answer-on-bridge.ts)
        if (leg.answered && leg.channelId) await this.bridge(f.callId, leg.channelId, f.conference);
        else leg.connectWanted = true; // auto-answer: bridged when the leg answers
        return;
      }
      case 'hangUp': {
        for (const leg of [...this.legs.values()].filter((l) => l.callId === f.callId)) {
          this.forgetLeg(leg);
          if (leg.channelId) await this.hangupChannel(leg.channelId);
        }
        if (this.callers.has(f.callId) || this.dialOuts.has(f.callId)) await this.hangupChannel(f.callId);
        await this.dropMixing(c, f.callId);
        return;
      }
      case 'redirectToPartner': {
        const caller = this.callers.get(f.callId);
        if (!caller) return;
        this.ours.add(f.callId);
        await c.channels.continueInDialplan({
          channelId: f.callId,
          context: this.opts.partnerContext ?? 'partner-sas',
          extension: f.destination || caller.line,
          priority: 1,
        });
        // The caller now belongs to the dialplan: the hangUp that ends the call here must not cut it.
        this.callers.delete(f.callId);
        this.ours.delete(f.callId);
        await this.dropMixing(c, f.callId);
        return;
      }
      case 'offerCallback':
        this.callbackOffered.add(f.callId);
        await c.channels.play({ channelId: f.callId, media: 'sound:sas-acd/rappel-tapez-1' });
        return;
      case 'dialOut': {
        if (this.dialOuts.has(f.callId)) return; // placed already (by the previous leader: adopted)
        this.dialOuts.add(f.callId);
        if (f.parentCallId) this.dialOutParents.set(f.callId, f.parentCallId);
        else {
          // Click-to-dial: the agent's phone rings (and answers by itself) to join the call.
          const leg = this.newLeg(f.callId, f.agentId, true);
          await c.channels.originate({
            endpoint: this.opts.endpointOf(f.agentId),
            app: this.opts.app,
            appArgs: `agent,${f.agentId},${f.callId}`,
            callerId: `"${f.number}" <${f.number}>`,
            timeout: 30,
            channelId: leg.channelId!,
            variables: { 'PJSIP_HEADER(add,Call-Info)': 'answer-after=0' },
          });
        }
        if (f.consult && f.parentCallId)
          await this.consultations.start(c, f.parentCallId, f.callId, f.agentId, f.music ?? 'default');
        if (!this.dialOuts.has(f.callId)) return; // ended while the agent's phone was called
        await c.channels.originate({
          endpoint: (this.opts.outboundEndpoint ?? ((n) => `PJSIP/${n}@trunk`))(f.number),
          app: this.opts.app,
          appArgs: `outbound,${f.callId}`,
          callerId: this.opts.callerId ?? '"SAMU 15" <15>',
          channelId: f.callId,
          timeout: 60,
        });
        return;
      }
      case 'listenIn':
        return this.listenIn.start(c, f, this.clock());
      case 'stopListening':
        return this.listenIn.stop(c, f.callId, f.supervisorId);
      case 'consultation':
        return this.consultations.step(c, f);
      default: {
        const never: never = f;
        this.opts.logger.warn({ effect: never }, 'unknown effect ignored');
      }
    }
  }

  /** ARI errors become domain facts: an originate refused is an unreachable agent; a gone caller hung up. */
  private onFailure(f: Effect, err: unknown): void {
    const message = (err as Error)?.message ?? String(err);
    this.opts.logger.warn(
      { effect: f.type, callId: 'callId' in f ? f.callId : undefined, err: message },
      'ARI request failed',
    );
    // An originate that got no answer (./rest-timeout.ts) may still have reached the phone: a leg
    // not answered is hung up by the id it was given; one that answered meanwhile did its work.
    const leg = 'agentId' in f ? this.legs.get(`${f.callId}|${f.agentId}`) : undefined;
    const dropLeg = (): void => {
      if (!leg || leg.answered) return;
      this.forgetLeg(leg);
      if (leg.channelId) void this.hangupChannel(leg.channelId);
    };
    if (f.type === 'ringAgent') {
      if (leg?.answered) return;
      dropLeg();
      this.sink(
        { type: 'offerFailed', callId: f.callId, agentId: f.agentId, reason: 'unreachable' },
        this.clock(),
      );
    }
    if (isChannelNotFound(err) && CALLER_EFFECTS.has(f.type)) void this.checkCallerGone(f.callId);
    if (f.type === 'dialOut' && this.dialOuts.delete(f.callId)) {
      dropLeg();
      this.dialOutParents.delete(f.callId);
      this.sink({ type: 'callerHungUp', callId: f.callId }, this.clock()); // never placed: it ended
    }
  }

  /**
   * An effect on a caller failed with "Channel not found": when the PBX confirms the caller is gone
   * and its StasisEnd has not been heard (lost with a link hiccup), the caller hung up. Told once:
   * a StasisEnd heard before or after finds the caller already forgotten.
   */
  private async checkCallerGone(callId: string): Promise<void> {
    const c = this.client;
    if (!c || !this.callers.has(callId)) return;
    if (await callerStillThere(c, callId)) return;
    if (!this.callers.delete(callId)) return; // its StasisEnd came meanwhile
    this.callbackOffered.delete(callId);
    await this.dropMixing(c, callId);
    if (!this.ours.delete(callId)) this.sink({ type: 'callerHungUp', callId }, this.clock());
  }

  private async hangupChannel(channelId: string): Promise<void> {
    this.ours.add(channelId);
    try {
      await this.client?.channels.hangup({ channelId });
    } catch {
      // Already gone (404): nothing left to hang up.
    }
  }

  private get holdingPrefix(): string {
    return this.opts.holdingBridgeTag ? `queue-${this.opts.holdingBridgeTag}:` : 'queue-';
  }

  private holdingBridge(c: AriRest, queueId: string): Promise<string> {
    let p = this.holding.get(queueId);
    if (!p) {
      p = c.bridges.create({ type: 'holding', name: `${this.holdingPrefix}${queueId}` }).then((b) => b.id);
      p.catch(() => this.holding.delete(queueId));
      this.holding.set(queueId, p);
    }
    return p;
  }

  private async bridge(
    callId: string,
    legChannel: string,
    conference: boolean,
    again = false,
  ): Promise<void> {
    const c = this.client!;
    const p = this.mixingBridge(c, callId);
    const bridgeId = await p;
    try {
      if (!conference) await c.bridges.addChannel({ bridgeId, channel: callId });
      await c.bridges.addChannel({ bridgeId, channel: legChannel });
    } catch (err) {
      // The bridge went from under us (destroyed on the PBX, or by a tear-down racing this answer):
      // never reused, a new one is made once (a conference's bridge held the caller: not rebuilt).
      if (again || conference || !isBridgeNotFound(err)) throw err;
      if (this.mixing.get(callId) === p) this.mixing.delete(callId);
      return this.bridge(callId, legChannel, conference, true);
    }
    // Recorded from its first answer, once the call's channels are in (as in traces/bridge-recording:
    // the recording's events go to the applications of the bridge's channels, so a bridge recorded
    // while still empty reports to nobody). Once per call: the bridge lasts as long as the call.
    void this.recorder?.start(c, callId, bridgeId).catch(() => undefined);
  }

  /** The call's mixing bridge (`call-<callId>`), made once. */
  private mixingBridge(c: AriRest, callId: string): Promise<string> {
    let p = this.mixing.get(callId);
    if (!p) {
      const created = c.bridges.create({ type: 'mixing', name: `call-${callId}` }).then((b) => b.id);
      p = created;
      this.mixing.set(callId, p);
      // A creation that failed is tried again by the next bridging, not remembered as the bridge.
      created.catch(() => this.mixing.get(callId) === created && this.mixing.delete(callId));
    }
    return p;
  }

  /**
   * A first answer is told once the caller shares the bridge with the agent (./answer-on-bridge.ts):
   * a caller who hangs up before that is an abandon, as the PBX saw it. If the offer was taken back
   * meanwhile (the leg forgotten), the caller goes back on hold and the call's bridge goes.
   */
  private async bridgeThenAnswer(leg: Leg, at: number): Promise<void> {
    const key = `${leg.callId}|${leg.agentId}`;
    const bridging = this.callers.get(leg.callId);
    if (bridging) bridging.bridgingAnswer = true;
    const failure = await this.bridge(leg.callId, leg.channelId!, false).then(
      () => null,
      (err: Error) => err ?? new Error('answer not bridged'),
    );
    if (bridging) {
      bridging.bridgingAnswer = false;
      bridging.answersBridged = (bridging.answersBridged ?? 0) + 1;
    }
    // Gone with its StasisEnd lost: confirmed on the PBX, then told (an abandon), never answered.
    if (failure && isChannelNotFound(failure)) await this.checkCallerGone(leg.callId);
    else if (failure)
      this.opts.logger.warn({ callId: leg.callId, err: failure.message }, 'answer not bridged');
    const caller = this.callers.get(leg.callId);
    if (!caller) {
      // Hung up meanwhile: its callerHungUp, told first, makes it an abandon. Its StasisEnd dropped
      // the bridge; one made after that (addChannel met "Bridge not found" and made a new one) goes
      // too, or it stays on the PBX for ever (2 after 150 short calls on a real Asterisk 22).
      if (this.client) await this.dropMixing(this.client, leg.callId).catch(() => undefined);
      this.opts.logger.debug({ callId: leg.callId }, 'caller gone before its answer was bridged');
      return;
    }
    if (this.legs.get(key) !== leg) {
      if (this.client) await this.dropMixing(this.client, leg.callId).catch(() => undefined);
      if (caller.hold) await this.execute({ type: 'holdCaller', callId: leg.callId, ...caller.hold });
      return;
    }
    leg.bridged = !failure; // not bridged: the engine's connectAgent tries again
    this.sink({ type: 'answerOffer', callId: leg.callId, agentId: leg.agentId }, at);
  }

  /**
   * A leg of a dial-out joins its bridge (the dial-out's own, or the call it was placed from). The
   * call may end meanwhile (a far end that fails at once): a bridge made too late is removed.
   */
  private joinDialOut(dialOutId: string, bridgeKey: string, channelId: string): void {
    const alive = () =>
      this.dialOuts.has(dialOutId) && (bridgeKey === dialOutId || this.callers.has(bridgeKey));
    const tidy = async () => {
      if (!alive() && this.client && bridgeKey === dialOutId) await this.dropMixing(this.client, bridgeKey);
    };
    this.bridge(bridgeKey, channelId, true)
      .then(tidy)
      .catch((err: Error) => {
        if (alive()) this.opts.logger.warn({ callId: dialOutId, err: err.message }, 'dial-out not bridged');
        return tidy();
      })
      .catch(() => undefined);
  }

  private async dropMixing(c: AriRest, callId: string): Promise<void> {
    const p = this.mixing.get(callId);
    if (!p) return;
    this.mixing.delete(callId);
    await this.recorder?.stop(c, callId); // stopped, then the bridge destroyed (traces/bridge-recording)
    try {
      await c.bridges.destroy({ bridgeId: await p });
    } catch {
      // Already destroyed with its last channel.
    }
  }

  /**
   * Takes over the calls in progress from another process (fail-over, restart): Asterisk replays
   * nothing to a new connection (traces/ws-drop-and-readopt.json), but the channels and bridges of
   * the Stasis app are still there. Rebuilds what this adapter tracks from them, then reconciles
   * with the engine's plan: a caller gone meanwhile hung up; an agent leg gone was lost; a caller the
   * engine never heard of (its arrival died with the old leader) arrives now; an offer whose phone
   * never rang rings; a caller waiting alone outside any bridge is put on hold; an agent leg for
   * nothing the engine knows is hung up.
   */
  async adopt(
    plans: CallPlan[],
    known: {
      ended?: (callId: string) => boolean;
      /** Callers a pending effect still has to deal with (a redirect to a partner): left alone. */
      leave?: (callId: string) => boolean;
      /** Outbound calls whose dial-out is a pending effect (not placed yet): not gone. */
      placing?: (callId: string) => boolean;
    } = {},
  ): Promise<AdoptionReport> {
    const c = this.client;
    if (!c) throw new Error('adopt: not connected to the PBX');
    const report: AdoptionReport = {
      callers: 0,
      legs: 0,
      arrived: 0,
      gone: 0,
      rung: 0,
      held: 0,
      strays: 0,
      ended: 0,
      left: 0,
      rejoined: 0,
    };
    let done!: () => void;
    const before = this.openBeforeAdoption;
    this.openBeforeAdoption = null;
    this.adoption = new Promise<void>((resolve) => (done = resolve));
    try {
      const [channels, bridges] = await Promise.all([c.channels.list(), c.bridges.list()]);
      const inBridge = new Map<string, AriBridgeJson>();
      for (const b of bridges) {
        for (const id of b.channels) inBridge.set(id, b);
        const queueId = b.name.startsWith(this.holdingPrefix) ? b.name.slice(this.holdingPrefix.length) : '';
        if (queueId && !queueId.includes(':') && !this.holding.has(queueId))
          this.holding.set(queueId, Promise.resolve(b.id));
        if (b.name.startsWith('call-') && !this.mixing.has(b.name.slice(5))) {
          this.mixing.set(b.name.slice(5), Promise.resolve(b.id));
          this.recorder?.adopt(b.name.slice(5));
        }
      }
      const planned = new Map(plans.map((p) => [p.callId, p]));
      for (const p of plans)
        if (p.consultFrom && p.parentCallId)
          this.consultations.adopt(p.parentCallId, p.callId, p.consultFrom);
      const joinedNow = new Set<string>(); // callers put with their agent during this adoption
      const callers = new Set<string>();
      const legs = new Set<string>();
      const now = this.clock();
      for (const ch of channels) {
        const [app, kind, ...rest] = (
          ch.dialplan?.app_name === 'Stasis' ? (ch.dialplan.app_data ?? '') : ''
        ).split(',');
        if (app !== this.opts.app) continue;
        if (await this.listenIn.adopt(c, ch, kind, rest, planned, inBridge)) continue;
        if (kind === 'outbound') {
          // A dial-out the previous leader placed (its channel id is its call's id).
          const plan = planned.get(ch.id);
          if (plan && plan.direction === 'outbound') {
            this.dialOuts.add(ch.id);
            if (plan.parentCallId) this.dialOutParents.set(ch.id, plan.parentCallId);
            report.legs += 1;
          } else {
            report.strays += 1;
            await this.hangupChannel(ch.id);
          }
          continue;
        }
        if (kind === 'agent') {
          const [agentId, callId] = rest;
          const plan = callId ? planned.get(callId) : undefined;
          if (!agentId || !plan || !(plan.agents.includes(agentId) || plan.ring?.agentId === agentId)) {
            report.strays += 1;
            await this.hangupChannel(ch.id);
            continue;
          }
          if (plan.direction === 'outbound') {
            // A click-to-dial's agent leg: its end is the agent hanging up; it waits in the call's
            // bridge for the far end (joined alone, as when it answered).
            const key = `${plan.callId}|${agentId}`;
            legs.add(key);
            if (this.legs.has(key)) continue;
            const leg: Leg = {
              channelId: ch.id,
              callId: plan.callId,
              agentId,
              answered: ch.state === 'Up',
              connectWanted: true,
              dialOut: true,
            };
            this.legs.set(key, leg);
            this.legByChannel.set(ch.id, leg);
            report.legs += 1;
            this.dialOuts.add(plan.callId); // until adoptOutbound finds its far end gone
            if (!inBridge.has(ch.id)) this.joinDialOut(plan.callId, plan.callId, ch.id);
            continue;
          }
          const key = `${plan.callId}|${agentId}`;
          legs.add(key);
          if (this.legs.has(key)) continue;
          const leg: Leg = {
            channelId: ch.id,
            callId: plan.callId,
            agentId,
            answered: ch.state === 'Up',
            connectWanted: false,
          };
          this.legs.set(key, leg);
          this.legByChannel.set(ch.id, leg);
          report.legs += 1;
          if (plan.agents.includes(agentId) && !inBridge.has(ch.id)) {
            await this.bridge(plan.callId, ch.id, inBridge.get(plan.callId)?.name === `call-${plan.callId}`);
            joinedNow.add(plan.callId);
          }
          // Answered while the offer is still pending: the answer died with the old leader.
          else if (leg.answered && plan.ring?.agentId === agentId)
            this.sink({ type: 'answerOffer', callId: plan.callId, agentId }, now);
          continue;
        }
        callers.add(ch.id);
        if (!this.callers.has(ch.id)) {
          this.callers.set(ch.id, {
            channelId: ch.id,
            line: kind ?? ch.dialplan?.exten ?? '',
            answered: ch.state === 'Up',
          });
          report.callers += 1;
        }
        if (planned.has(ch.id)) continue;
        if (known.leave?.(ch.id)) {
          report.left += 1;
          continue;
        }
        if (known.ended?.(ch.id)) {
          // The hang-up the old leader could not carry out: done now, the call stays counted once.
          report.ended += 1;
          await this.hangupChannel(ch.id); // its StasisEnd is then ours, not news
          continue;
        }
        report.arrived += 1;
        this.sink(this.arrival(ch, kind ?? ch.dialplan?.exten ?? ''), now);
      }
      for (const plan of plans) {
        if (plan.direction === 'outbound') {
          await this.adoptOutbound(plan, channels, inBridge, known.placing, report, now);
          continue;
        }
        if (!callers.has(plan.callId)) {
          report.gone += 1;
          this.callers.delete(plan.callId);
          this.sink({ type: 'callerHungUp', callId: plan.callId }, now);
          continue;
        }
        for (const agentId of plan.agents)
          if (!legs.has(`${plan.callId}|${agentId}`))
            this.sink({ type: 'agentLegLost', callId: plan.callId, agentId }, now);
        // Connected for the engine, but the caller is not in its call's bridge (the bridge effect
        // died with the old leader: the caller would wait in the holding bridge, heard by nobody).
        const withAgent = plan.agents
          .map((a) => this.legs.get(`${plan.callId}|${a}`))
          .find((leg) => leg?.channelId && legs.has(`${plan.callId}|${leg.agentId}`));
        if (
          withAgent &&
          !joinedNow.has(plan.callId) &&
          inBridge.get(plan.callId)?.name !== `call-${plan.callId}`
        ) {
          report.rejoined += 1;
          const mixing = this.mixing.get(plan.callId);
          if (mixing) await c.bridges.addChannel({ bridgeId: await mixing, channel: plan.callId });
          else await this.bridge(plan.callId, withAgent.channelId!, false);
        }
        if (plan.ring && !legs.has(`${plan.callId}|${plan.ring.agentId}`)) {
          report.rung += 1;
          await this.execute(plan.ring);
        }
        if (plan.hold && !inBridge.has(plan.callId)) {
          report.held += 1;
          await this.execute(plan.hold);
        }
      }
      return report;
    } finally {
      this.adoption = null;
      done();
      before?.();
    }
  }

  /**
   * An outbound call of the plan at a take-over (its far end's channel id is the call's id): a far
   * end that answered while the old leader died before bridging it joins its call now (the agent of
   * a click-to-dial, or the call it was placed from); one still ringing is followed (its answer or
   * failure is heard); one gone from the PBX ended the outbound call, unless its dial-out is still
   * to be placed (a pending effect).
   */
  private async adoptOutbound(
    plan: CallPlan,
    channels: AriChannelJson[],
    inBridge: Map<string, AriBridgeJson>,
    placing: ((callId: string) => boolean) | undefined,
    report: AdoptionReport,
    now: number,
  ): Promise<void> {
    const far = channels.find((ch) => ch.id === plan.callId);
    if (!far) {
      if (placing?.(plan.callId)) return;
      report.gone += 1;
      this.dialOuts.delete(plan.callId);
      this.dialOutParents.delete(plan.callId);
      if (this.client) await this.dropMixing(this.client, plan.callId);
      this.sink({ type: 'callerHungUp', callId: plan.callId }, now);
      return;
    }
    this.dialOuts.add(plan.callId);
    if (plan.parentCallId) this.dialOutParents.set(plan.callId, plan.parentCallId);
    const inStasis = far.dialplan?.app_name === 'Stasis';
    if (inStasis && far.state === 'Up' && !inBridge.has(far.id)) {
      report.rejoined += 1;
      this.joinDialOut(plan.callId, (!plan.consultFrom && plan.parentCallId) || plan.callId, far.id);
    }
    // Answered from a call: the answer may have died with the old leader, so it is told again (an
    // outside transfer's agent then leaves; a conference, or an agent already gone: no change).
    if (inStasis && far.state === 'Up' && plan.parentCallId)
      this.sink({ type: 'outsideAnswered', callId: plan.callId }, now);
  }

  /** The channels and bridges the PBX shows now (periodic reconciliation, reconcile.ts). */
  async listPbx(): Promise<PbxView> {
    const c = this.client;
    if (!c) throw new Error('not connected to the PBX');
    const [channels, bridges] = await Promise.all([c.channels.list(), c.bridges.list()]);
    return { channels, bridges };
  }

  /** Heals one disagreement the reconciliation confirmed (reconcile.ts says what each means). */
  async heal(d: Drift): Promise<void> {
    const now = this.clock();
    switch (d.kind) {
      case 'caller-gone':
      case 'dial-out-gone':
        this.callers.delete(d.callId);
        this.dialOuts.delete(d.callId);
        this.callbackOffered.delete(d.callId);
        this.sink({ type: 'callerHungUp', callId: d.callId }, now);
        return;
      case 'leg-gone': {
        const leg = this.legs.get(`${d.callId}|${d.agentId}`);
        if (leg) this.forgetLeg(leg);
        this.sink({ type: 'agentLegLost', callId: d.callId, agentId: d.agentId }, now);
        return;
      }
      case 'leg-unbridged':
        await this.bridge(d.callId, d.channelId, d.callerBridged);
        return;
      case 'stray-leg':
      case 'ended-caller':
        await this.hangupChannel(d.channelId);
        return;
      case 'unknown-caller':
        this.callers.set(d.channel.id, {
          channelId: d.channel.id,
          line: d.line,
          answered: d.channel.state === 'Up',
        });
        this.sink(this.arrival(d.channel, d.line, d.args), now);
        return;
      case 'caller-unheld':
        await this.execute(d.hold);
        return;
    }
  }

  /**
   * After a reconnection Asterisk replays nothing: list what is still there. A caller we knew who
   * vanished meanwhile hung up; an answered agent leg that vanished was lost (the call goes on).
   */
  async readopt(): Promise<void> {
    const c = this.client;
    if (!c) return;
    const alive = new Set((await c.channels.list()).map((ch) => ch.id));
    const now = this.clock();
    for (const [id] of this.callers) {
      if (alive.has(id)) continue;
      this.callers.delete(id);
      if (!this.ours.delete(id)) this.sink({ type: 'callerHungUp', callId: id }, now);
    }
    for (const id of [...this.dialOuts]) {
      if (alive.has(id)) continue;
      this.dialOuts.delete(id);
      if (!this.ours.delete(id)) this.sink({ type: 'callerHungUp', callId: id }, now);
    }
    for (const leg of [...this.legs.values()]) {
      if (!leg.channelId || alive.has(leg.channelId)) continue;
      this.onChannelDestroyed({
        type: 'ChannelDestroyed',
        cause: 16,
        channel: { id: leg.channelId } as AriEventJson['channel'],
      });
    }
  }
}
