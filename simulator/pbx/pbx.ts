// The simulated Asterisk: channels, bridges, music on hold and playbacks as states, with the events a
// real Asterisk 22 sends, in its order (see ../../../shared/asterisk-22/README.md and this folder's
// README). No HTTP here: ari-routes.ts, trunk-api.ts and endpoint-ws.ts drive it.
import { randomUUID } from 'node:crypto';
import type { AppBus, AppEvent } from './app-bus.js';
import { AstDb, FALLBACK_FAMILY, fallbackAbandonKey, fallbackFamily, fallbackRecordKey } from './astdb.js';
import { AriError } from './ari-error.js';
import type { Clock, Timer } from './clock.js';
import { asteriskTime } from './clock.js';
import { causeText, dialStatusOf, HANGUP_REASONS, rejectOutcome, sipCodeOf } from './hangup-causes.js';
import type { Bridge, Channel, ChannelKind, Dialplan, Party, Playback, SnoopDirection } from './model.js';
import { bridgeJson, channelJson, playbackJson, SNOOP_DIRECTIONS, technologyFor } from './model.js';
import { parseCallerId, parseTimeout, splitArgs } from './originate-params.js';
import { Playbacks } from './playbacks.js';
import type { RecordParams } from './recordings.js';
import { Recordings, liveJson } from './recordings.js';
import { CONGESTION, TRUNK_FULL_ARG, trunkFull } from './trunk-limit.js';
import { RTP_QOS } from './rtp-qos.js';
import type { CallRecord, EndedBy } from './timeline.js';
import { Timelines } from './timeline.js';
import type { PbxTiming } from './timing.js';
import { pbxTiming } from './timing.js';
import { WaitPatience } from './wait-patience.js';

/** What the far end of an originated leg (a registered phone) is told. */
export interface EndpointSession {
  invite(leg: { channelId: string; endpoint: string; caller: Party }): void;
  cancelled(channelId: string, cause: number): void;
  hungUp(channelId: string, cause: number): void;
}

interface RegisteredEndpoint {
  key: string;
  context: string;
  session: EndpointSession;
}

export interface InjectCall {
  line: string;
  /** Stasis arguments after the line, as the dialplan passes them (asterisk-config/extensions.conf). */
  stasisArgs?: string[] | undefined;
  callerNumber?: string | undefined;
  callerName?: string | undefined;
  withheld?: boolean | undefined;
  patienceSec?: number | undefined;
  /** The patience applies to each wait (as the twin plays it), not only until the first answer. */
  patiencePerWait?: boolean | undefined;
  /** Channel name prefix (the trunk or SIP peer the call comes from). */
  endpoint?: string | undefined;
  context?: string | undefined;
  priority?: number | undefined;
  app?: string | undefined;
  /** After a SIP REFER (redirect of an answered call) the caller hangs up this much later. */
  referHangupMs?: number | undefined;
}

export interface OriginateParams {
  endpoint?: string | undefined;
  app?: string | undefined;
  appArgs?: string | undefined;
  callerId?: string | undefined;
  timeout?: string | undefined;
  context?: string | undefined;
  extension?: string | undefined;
  priority?: string | undefined;
  channelId?: string | undefined;
  variables?: Record<string, string> | undefined;
}

export interface PbxOptions {
  clock: Clock;
  bus: AppBus;
  defaultApp: string;
  asteriskId?: string;
  /** Media (e.g. sound:hello-world) → duration in ms. Other sound: media fail like a missing file. */
  sounds?: Record<string, number>;
  /** Dialplan contexts a `continue` may send a caller to, each dialling one endpoint. */
  dialplanRoutes?: Record<string, string>;
  /** How long operations take (default: Asterisk 22's, see timing.ts). */
  timing?: Partial<PbxTiming>;
  /** Where stored recordings are written as small files (recordings.ts); none: states only. */
  recordingDir?: string;
  /**
   * The dialplan fallback's N1 group (asterisk-config/extensions.conf [sasacd-fallback]): a call
   * that finds no app rings these endpoints together, and the ACD again between rounds. Absent:
   * the fallback only answers (no group, no retry).
   */
  fallback?: FallbackGroup;
  /** Trunk channels per line (./trunk-limit.ts): a call beyond them is refused with congestion. */
  trunkChannels?: Record<string, number>;
}

/** The fallback group and its timings (extensions.conf globals, same defaults). */
export interface FallbackGroup {
  /** Endpoint keys, e.g. PJSIP/arm-1 (N1_FALLBACK); only the registered ones are dialled. */
  endpoints: string[];
  /** FALLBACK_RING_SECONDS (25). */
  ringSeconds?: number;
  /** FALLBACK_WAIT_SECONDS (5): no phone reachable, or every phone refused. */
  waitSeconds?: number;
  /** ACD_RETRY_TIMES (4): how often [sasacd-entry] tries the app again before the fallback. */
  acdRetries?: number;
  /** ACD_RETRY_SECONDS (1): the wait (ringing back) before each of those tries. */
  acdRetrySeconds?: number;
}

export class Pbx {
  readonly channels = new Map<string, Channel>();
  readonly bridges = new Map<string, Bridge>();
  readonly playbacks: Playbacks;
  readonly recordings: Recordings;
  readonly timelines = new Timelines();
  /** Callers whose patience applies to each of their waits (./wait-patience.ts). */
  private readonly waitPatience = new WaitPatience(
    (callId, ms, fn) => {
      const c = this.channels.get(this.timelines.calls.get(callId)?.channelId ?? '');
      return c ? this.later(c, ms, fn) : null;
    },
    (callId) => {
      const c = this.channels.get(this.timelines.calls.get(callId)?.channelId ?? '');
      if (c) this.farEndHangup(c, 'patience');
    },
  );
  readonly endpoints = new Map<string, RegisteredEndpoint>();
  /** Asterisk's database: the fallback's records of answered calls (astdb.ts). */
  readonly astdb = new AstDb();
  readonly asteriskId: string;
  /** Fault switch: the next originate fails with this error. */
  failNextOriginate: AriError | null = null;
  readonly timing: PbxTiming;
  /** HTTP answers held until a timer of the sim's clock fires (answer is synchronous in Asterisk). */
  clockWaits = 0;

  private readonly clock: Clock;
  private readonly bus: AppBus;
  private readonly defaultApp: string;
  private readonly dialplanRoutes: Record<string, string>;
  private readonly fallback: Required<FallbackGroup> | null;
  /** Fallback legs ringing: leg channel id → caller channel id. */
  private readonly fallbackLegs = new Map<string, string>();
  /** Per fallback caller: the timer of its round (ring time, or the wait before a retry). */
  private readonly fallbackTimers = new Map<string, Timer>();
  readonly trunkChannels: Record<string, number>;
  private readonly startedAt: number;
  private idSeq = 0;
  private snoopSeq = 0;
  private nameSeq = 0;
  private callSeq = 0;

  constructor(options: PbxOptions) {
    this.clock = options.clock;
    this.bus = options.bus;
    this.defaultApp = options.defaultApp;
    this.asteriskId = options.asteriskId ?? '02:00:00:00:00:01';
    this.recordings = new Recordings(
      this.clock,
      (app, type, body) => this.send(app, type, body),
      options.recordingDir,
    );
    this.playbacks = new Playbacks(this.clock, options.sounds ?? {}, (app, type, body) =>
      this.send(app, type, body),
    );
    this.dialplanRoutes = { ...(options.dialplanRoutes ?? {}) };
    this.fallback = options.fallback
      ? {
          ringSeconds: 25,
          waitSeconds: 5,
          acdRetries: 4,
          acdRetrySeconds: 1,
          ...options.fallback,
          endpoints: [...options.fallback.endpoints],
        }
      : null;
    this.trunkChannels = { ...(options.trunkChannels ?? {}) };
    this.timing = pbxTiming(options.timing);
    this.startedAt = this.clock.now();
    this.timelines.onEntry((call, entry) => this.waitPatience.onEntry(call.callId, entry));
  }

  get app(): string {
    return this.defaultApp;
  }

  /** Run `fn` after `ms` of the sim's clock (far-end behaviour such as a bot answering). */
  schedule(ms: number, fn: () => void): Timer {
    return this.later(null, ms, fn);
  }

  // ---- ids, events ------------------------------------------------------------------------------

  private newChannelId(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${this.idSeq++}`;
  }

  private newChannelName(prefix: string): string {
    return `${prefix}-${(this.nameSeq++).toString(16).padStart(8, '0')}`;
  }

  private send(app: string | null, type: string, body: Record<string, unknown>): void {
    if (!app) return;
    const event: AppEvent = {
      type,
      timestamp: asteriskTime(this.clock.now()),
      ...body,
      asterisk_id: this.asteriskId,
      application: app,
    };
    this.bus.deliver(app, event);
  }

  private sendChannel(c: Channel, type: string, extra: Record<string, unknown> = {}): void {
    this.send(c.app, type, { ...extra, channel: channelJson(c) });
  }

  private later(c: Channel | null, ms: number, fn: () => void): Timer {
    const timer = this.clock.setTimeout(() => {
      if (c) c.timers.delete(timer);
      fn();
    }, ms);
    if (c) c.timers.add(timer);
    return timer;
  }

  private newChannel(init: {
    prefix: string;
    tech: string;
    resource: string;
    kind: ChannelKind;
    state: Channel['state'];
    caller: Party;
    connected: Party;
    dialplan: Dialplan;
    app: string | null;
    id?: string | undefined;
    protocolId: string;
  }): Channel {
    const c: Channel = {
      id: init.id ?? this.newChannelId(),
      name: this.newChannelName(init.prefix),
      tech: init.tech,
      resource: init.resource,
      kind: init.kind,
      state: init.state,
      protocolId: init.protocolId,
      caller: init.caller,
      connected: init.connected,
      dialplan: init.dialplan,
      homeDialplan: { ...init.dialplan },
      createdAt: this.clock.now(),
      app: init.app,
      inStasis: false,
      stasisArgs: [],
      bridgeId: null,
      vars: new Map(),
      answered: init.state === 'Up',
      callId: null,
      endpoint: null,
      partnerId: null,
      snoopOf: null,
      dialplanPeerId: null,
      hangupCause: null,
      timers: new Set(),
    };
    this.channels.set(c.id, c);
    return c;
  }

  private setVar(c: Channel, variable: string, value: string): void {
    c.vars.set(variable, value);
    this.send(c.app, 'ChannelVarset', { variable, value, channel: channelJson(c) });
  }

  private call(c: Channel): CallRecord | null {
    return c.callId ? (this.timelines.calls.get(c.callId) ?? null) : null;
  }

  // ---- trunk side -------------------------------------------------------------------------------

  injectCall(input: InjectCall): CallRecord {
    const app = input.app ?? this.defaultApp;
    const endpoint = input.endpoint ?? 'PJSIP/trunk';
    const slash = endpoint.indexOf('/');
    const caller: Party = input.withheld
      ? { name: 'Anonymous', number: 'anonymous' }
      : { name: input.callerName ?? '', number: input.callerNumber ?? '' };
    const c = this.newChannel({
      prefix: endpoint,
      tech: endpoint.slice(0, slash),
      resource: endpoint.slice(slash + 1),
      kind: 'inbound',
      state: 'Ring',
      caller,
      connected: { name: '', number: '' },
      dialplan: {
        context: input.context ?? 'from-trunk',
        exten: input.line,
        priority: input.priority ?? 1,
        app_name: 'Stasis',
        app_data: [app, input.line, ...(input.stasisArgs ?? [])].join(','),
      },
      app: null,
      protocolId: `${randomUUID()}@sim-pbx`,
    });
    const now = this.clock.now();
    const call: CallRecord = {
      callId: `call-${++this.callSeq}`,
      channelId: c.id,
      line: input.line,
      caller: { ...caller, withheld: input.withheld ?? false },
      patienceSec: input.patienceSec ?? null,
      route: 'stasis',
      arrivedAtMs: now,
      answeredByPbxAtMs: null,
      answeredBy: null,
      answeredByAgentAtMs: null,
      agents: [],
      agentLegs: [],
      endedAtMs: null,
      endedBy: null,
      cause: null,
      entries: [],
    };
    c.callId = call.callId;
    c.vars.set('__REFER_HANGUP_MS', String(input.referHangupMs ?? 1000));
    this.timelines.calls.set(call.callId, call);
    this.timelines.note(call, 'arrived', now, { line: input.line, channelId: c.id });
    if (trunkFull(this.trunkChannels, this.timelines.calls.values(), call)) {
      // The line's channels are all taken: the dialplan's GROUP_COUNT check refuses the call
      // (asterisk-config [sasacd-trunk-limit]): through the app, which counts it and hangs it up
      // with congestion, or with Congestion() straight away when no app is connected.
      call.route = 'refused';
      this.timelines.note(call, 'trunk-full', now, {
        line: input.line,
        channels: this.trunkChannels[input.line],
      });
      if (this.bus.isActive(app)) {
        c.app = app;
        c.inStasis = true;
        c.stasisArgs = [input.line, ...(input.stasisArgs ?? []), TRUNK_FULL_ARG];
        this.send(app, 'StasisStart', { args: c.stasisArgs, channel: channelJson(c) });
      } else this.later(c, 0, () => this.hangupQuietly(c, CONGESTION));
      return call;
    }
    if (this.bus.isActive(app)) {
      c.app = app;
      c.inStasis = true;
      c.stasisArgs = [input.line, ...(input.stasisArgs ?? [])];
      this.send(app, 'StasisStart', { args: c.stasisArgs, channel: channelJson(c) });
      this.timelines.note(call, 'stasis-start', now, { app });
    } else if (this.fallback) {
      // Stasis() fails: [sasacd-entry] rings back and tries the app again a few times (a take-over
      // gap), then [sasacd-fallback] answers, rings the N1 group and retries the ACD between rounds.
      call.route = 'waiting-acd';
      c.vars.set('STASISSTATUS', 'FAILED');
      c.stasisArgs = [input.line, ...(input.stasisArgs ?? [])];
      c.vars.set('__FALLBACK_APP', app);
      this.timelines.note(call, 'stasis-failed', now, { app, STASISSTATUS: 'FAILED' });
      this.acdRetry(c, app, 1);
    } else {
      // Stasis() fails, the dialplan fallback answers and plays a tone: the ACD hears nothing.
      call.route = 'fallback';
      c.vars.set('STASISSTATUS', 'FAILED');
      c.dialplan = { ...c.dialplan, exten: 'fallback', priority: 1, app_name: 'Playback', app_data: 'tone' };
      this.timelines.note(call, 'stasis-failed', now, { app, STASISSTATUS: 'FAILED' });
      this.markAnswered(c);
    }
    if (input.patienceSec !== undefined && input.patiencePerWait) {
      this.waitPatience.track(call.callId, input.patienceSec);
      this.waitPatience.onEntry(call.callId, { kind: 'arrived' });
    } else if (input.patienceSec !== undefined) {
      this.later(c, input.patienceSec * 1000, () => {
        if (this.channels.has(c.id) && call.answeredBy === null) this.farEndHangup(c, 'patience');
      });
    }
    return call;
  }

  callerHangup(callId: string): void {
    const call = this.timelines.calls.get(callId);
    if (!call) throw new Error(`no call ${callId}`);
    const c = this.channels.get(call.channelId);
    if (!c) throw new Error(`call ${callId} has already ended`);
    this.farEndHangup(c, 'caller');
  }

  private markAnswered(c: Channel): void {
    c.state = 'Up';
    c.answered = true;
    const call = this.call(c);
    if (call && call.answeredByPbxAtMs === null) {
      call.answeredByPbxAtMs = this.clock.now();
      this.timelines.note(call, 'answered-by-pbx', call.answeredByPbxAtMs);
    }
  }

  private endCall(c: Channel, endedBy: EndedBy, cause: number): void {
    const call = this.call(c);
    if (!call || call.endedAtMs !== null) return;
    call.endedAtMs = this.clock.now();
    call.endedBy = endedBy;
    call.cause = cause;
    this.timelines.note(call, 'ended', call.endedAtMs, { endedBy, cause });
  }

  // ---- endpoint side ----------------------------------------------------------------------------

  registerEndpoint(key: string, session: EndpointSession, context = 'default'): void {
    this.endpoints.set(key, { key, context, session });
  }

  unregisterEndpoint(key: string, session: EndpointSession): void {
    if (this.endpoints.get(key)?.session !== session) return;
    this.endpoints.delete(key);
    // A phone that vanished: its answered calls drop, its ringing ones ring out.
    for (const c of [...this.channels.values()]) {
      if (c.endpoint === key && c.answered) this.farEndHangup(c, 'caller');
    }
  }

  private leg(channelId: string, endpoint: string): Channel {
    const c = this.channels.get(channelId);
    if (!c || c.endpoint !== endpoint) throw new Error(`no call ${channelId} on ${endpoint}`);
    return c;
  }

  endpointRinging(endpoint: string, channelId: string): void {
    const c = this.leg(channelId, endpoint);
    if (c.state !== 'Down') return;
    c.state = 'Ringing';
    this.sendChannel(c, 'ChannelStateChange');
    this.sendDial(c, 'RINGING');
  }

  endpointAnswer(endpoint: string, channelId: string): void {
    const c = this.leg(channelId, endpoint);
    if (c.answered) throw new Error(`call ${channelId} is already answered`);
    for (const t of c.timers) t.cancel();
    c.timers.clear();
    c.state = 'Up';
    c.answered = true;
    this.sendChannel(c, 'ChannelStateChange');
    this.sendDial(c, 'ANSWER');
    const fallbackCaller = this.fallbackLegs.get(c.id);
    if (fallbackCaller !== undefined) return this.fallbackAnswered(fallbackCaller, c);
    const dialplanCaller = [...this.channels.values()].find((x) => x.dialplanPeerId === c.id);
    if (dialplanCaller) return; // a partner leg dialled by the dialplan: bridged outside the app
    const app = c.vars.get('__ORIGINATE_APP');
    if (app === undefined) return; // originated to an extension: runs dialplan
    this.enterStasis(c, app);
  }

  endpointReject(endpoint: string, channelId: string, sipCode: number): void {
    const c = this.leg(channelId, endpoint);
    if (c.answered) throw new Error(`call ${channelId} is already answered`);
    const { cause, dialstatus } = rejectOutcome(sipCode);
    this.sendChannel(c, 'ChannelHangupRequest', { cause, tech_cause: sipCode });
    this.sendDial(c, dialstatus);
    this.destroy(c, cause, sipCode);
  }

  endpointHangup(endpoint: string, channelId: string): void {
    const c = this.leg(channelId, endpoint);
    if (!c.answered) throw new Error(`call ${channelId} is not answered: reject it instead`);
    this.farEndHangup(c, 'caller');
  }

  private sendDial(c: Channel, dialstatus: string): void {
    this.send(c.app, 'Dial', { dialstatus, forward: '', dialstring: c.resource, peer: channelJson(c) });
  }

  private enterStasis(c: Channel, app: string): void {
    if (!this.bus.isActive(app)) {
      // Stasis() fails on the answered leg: it is hung up (no app hears it).
      c.vars.set('STASISSTATUS', 'FAILED');
      this.destroy(c, 16, undefined, true);
      return;
    }
    const args = c.stasisArgs;
    c.dialplan = { ...c.homeDialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    this.setVar(c, 'STASISSTATUS', '');
    c.inStasis = true;
    this.send(c.app, 'StasisStart', { args, channel: channelJson(c) });
  }

  private leaveStasis(c: Channel): void {
    if (!c.inStasis) return;
    c.inStasis = false;
    this.sendChannel(c, 'StasisEnd');
    if (c.kind === 'inbound' || c.kind === 'snoop') {
      c.app = null; // a dialplan caller is unsubscribed at StasisEnd: no ChannelDestroyed follows
    } else {
      this.setVar(c, 'STASISSTATUS', 'SUCCESS');
      c.dialplan = { ...c.homeDialplan };
    }
  }

  /** The channel is gone: ChannelDestroyed for subscribed (originated) channels, far end told. */
  private destroy(c: Channel, cause: number, techCause?: number, quiet = false): void {
    for (const t of c.timers) t.cancel();
    c.timers.clear();
    if (!this.channels.delete(c.id)) return;
    this.fallbackGone(c);
    this.playbacks.finishTarget(`channel:${c.id}`);
    this.recordings.finishTarget(`channel:${c.id}`);
    for (const s of [...this.channels.values()]) if (s.snoopOf === c.id) this.farEndHangup(s, 'pbx');
    if (!quiet) {
      const body: Record<string, unknown> = { cause, cause_txt: causeText(cause) };
      if (techCause !== undefined) body.tech_cause = techCause;
      this.sendChannel(c, 'ChannelDestroyed', body);
    }
    if (c.endpoint && !quiet) {
      const ep = this.endpoints.get(c.endpoint);
      if (c.answered) ep?.session.hungUp(c.id, cause);
    }
    const peer = c.dialplanPeerId ? this.channels.get(c.dialplanPeerId) : undefined;
    if (peer) this.hangupQuietly(peer, 16);
    for (const other of this.channels.values()) {
      if (other.dialplanPeerId === c.id) {
        other.dialplanPeerId = null;
        this.hangupQuietly(other, 16);
      }
    }
  }

  /** Hang up a channel outside any app (dialplan legs): only the far ends hear it. */
  private hangupQuietly(c: Channel, cause: number): void {
    if (!this.channels.has(c.id)) return;
    if (c.bridgeId) this.leaveBridge(c, 'hangup');
    if (c.kind === 'inbound') this.endCall(c, 'pbx', cause);
    if (c.endpoint && !c.answered) this.endpoints.get(c.endpoint)?.session.cancelled(c.id, cause);
    this.destroy(c, cause, undefined, c.app === null);
  }

  // ---- hang-ups ---------------------------------------------------------------------------------

  /** An answered SIP channel reports its media statistics as it hangs up; its two-party bridge
   *  peer gets the same as *BRIDGED. No media flows here: the values are zeros. */
  private reportRtpQos(c: Channel): void {
    if (!c.answered || c.tech !== 'PJSIP') return;
    const b = c.bridgeId ? this.bridges.get(c.bridgeId) : undefined;
    const peerId =
      b && b.bridgeType === 'mixing' && b.channels.length === 2
        ? b.channels.find((id) => id !== c.id)
        : undefined;
    const peer = peerId ? this.channels.get(peerId) : undefined;
    // rtp_engine.c sets each variable only while it is empty: once per channel, however many
    // times the statistics are taken (session end, hang-up) or peers hang up beside it.
    for (const [name, value] of RTP_QOS) {
      if (!c.vars.get(name)) this.setVar(c, name, value);
      if (peer && !peer.vars.get(`${name}BRIDGED`)) this.setVar(peer, `${name}BRIDGED`, value);
    }
  }

  /** The far end (caller, phone) sent BYE, or a caller's patience ran out. */
  private farEndHangup(c: Channel, endedBy: EndedBy): void {
    if (!this.channels.has(c.id)) return;
    this.reportRtpQos(c);
    // chan_pjsip queues the hang-up with the channel's cause when one is set (ast_queue_hangup).
    this.sendChannel(c, 'ChannelHangupRequest', c.hangupCause ? { cause: c.hangupCause } : {});
    if (c.bridgeId) this.leaveBridge(c, 'hangup');
    this.leaveStasis(c);
    if (c.kind === 'inbound') this.endCall(c, endedBy, 16);
    const quiet = c.app === null;
    if (c.endpoint && c.answered) {
      // the phone itself hung up: do not echo a BYE back to it
      c.endpoint = null;
    }
    this.destroy(c, 16, undefined, quiet);
  }

  hangup(channelId: string, reason: string | undefined, reasonCode: string | undefined): void {
    const c = this.mustChannel(channelId, 404);
    if (c.detaching) throw AriError.channelNotFound(404); // being hung up: out of the channel list
    let cause = 16;
    if (reasonCode !== undefined) {
      const n = Number(reasonCode);
      if (!Number.isInteger(n)) throw AriError.message(400, 'Invalid reason for hangup reason provided');
      cause = n;
    } else if (reason !== undefined) {
      const n = HANGUP_REASONS[reason];
      if (n === undefined) throw AriError.message(400, 'Invalid reason for hangup reason provided');
      cause = n;
    }
    this.later(null, this.timing.hangupMs, () => this.hangupFromApp(c, cause));
  }

  private hangupFromApp(c: Channel, cause: number): void {
    if (!this.channels.has(c.id)) return;
    // ARI sets the hangupcause, then soft-hangs up (AST_SOFTHANGUP_EXPLICIT, reported as cause 32).
    c.hangupCause = cause;
    this.reportRtpQos(c);
    this.sendChannel(c, 'ChannelHangupRequest', { cause: 32, soft: true });
    if (c.endpoint && !c.answered && c.app !== null) {
      // A leg still ringing: dial.c reads the hang-up and reports the final Dial status of its
      // cause (NOANSWER for a normal one), then the channel is destroyed with that cause; the
      // phone gets a CANCEL.
      const endpoint = c.endpoint;
      this.sendDial(c, dialStatusOf(cause));
      this.destroy(c, cause, sipCodeOf(cause) || undefined);
      this.endpoints.get(endpoint)?.session.cancelled(c.id, cause);
      return;
    }
    if (c.bridgeId) this.leaveBridge(c, 'hangup');
    const partner = c.partnerId ? this.channels.get(c.partnerId) : undefined;
    this.leaveStasis(c);
    if (c.kind === 'snoop' && c.snoopOf && this.channels.has(c.snoopOf)) return this.detachSnoop(c);
    if (c.kind === 'inbound') this.endCall(c, 'pbx', cause);
    if (c.endpoint && !c.answered) {
      this.sendDial(c, dialStatusOf(cause));
      this.endpoints.get(c.endpoint)?.session.cancelled(c.id, cause);
    }
    if (partner) {
      this.sendChannel(partner, 'ChannelHangupRequest', { cause: 16 });
      this.destroy(c, cause, undefined, c.app === null);
      this.sendChannel(partner, 'ChannelHangupRequest', { cause: 16, soft: true });
      partner.dialplan = { ...partner.dialplan, app_name: '', app_data: '' };
      this.destroy(partner, 16, undefined, partner.app === null);
      return;
    }
    this.destroy(c, cause, undefined, c.app === null);
  }

  // ---- channel operations -----------------------------------------------------------------------

  mustChannel(id: string, notFoundStatus: number): Channel {
    const c = this.channels.get(id);
    if (!c) throw AriError.channelNotFound(notFoundStatus);
    return c;
  }

  private mustStasis(id: string, notInStasisStatus = 409): Channel {
    const c = this.mustChannel(id, 404);
    if (!c.inStasis) throw AriError.notInStasis(notInStasisStatus);
    return c;
  }

  listChannels(): Record<string, unknown>[] {
    return [...this.channels.values()].map(channelJson);
  }

  getChannel(id: string): Record<string, unknown> {
    return channelJson(this.mustChannel(id, 404));
  }

  /** Resolves once the channel is Up: Asterisk answers before it sends the 204. */
  answer(id: string): Promise<void> {
    const c = this.mustStasis(id);
    if (c.state === 'Up') return Promise.resolve();
    this.clockWaits++;
    return new Promise((resolve) => {
      this.later(null, this.timing.answerMs, () => {
        this.clockWaits--;
        if (this.channels.has(c.id) && c.state !== 'Up') {
          this.markAnswered(c);
          this.sendChannel(c, 'ChannelStateChange');
        }
        resolve();
      });
    });
  }

  /** 180 Ringing to the caller; chan_pjsip keeps the channel in state Ring (no event). */
  ring(id: string): void {
    this.mustStasis(id);
  }

  ringStop(id: string): void {
    this.mustStasis(id);
  }

  sendDtmf(id: string, dtmf: string | undefined): void {
    if (!dtmf) throw AriError.message(400, 'DTMF is required');
    this.mustStasis(id);
  }

  startChannelMoh(id: string, mohClass: string | undefined): void {
    const c = this.mustStasis(id);
    c.vars.set('__MOH', mohClass ?? 'default');
  }

  stopChannelMoh(id: string): void {
    const c = this.mustStasis(id);
    c.vars.delete('__MOH');
  }

  getVariable(id: string, variable: string | undefined): { value: string } {
    if (!variable) throw AriError.message(400, 'Variable name is required');
    const c = this.mustChannel(id, 404);
    const fromDb = this.astdb.readFunction(variable);
    if (fromDb !== undefined) return { value: fromDb };
    const value = readVariable(c, variable);
    if (value === undefined) throw AriError.message(404, 'Provided variable was not found');
    return { value };
  }

  setVariable(id: string, variable: string | undefined, value: string | undefined): void {
    if (!variable) throw AriError.message(400, 'Variable name is required');
    const c = this.mustChannel(id, 404);
    this.setVar(c, variable, value ?? '');
  }

  continueInDialplan(id: string, context?: string, extension?: string, priority?: string): void {
    const c = this.mustStasis(id);
    const ctx = context ?? c.dialplan.context;
    const exten = extension ?? c.dialplan.exten;
    this.later(null, 0, () => {
      if (!this.channels.has(c.id) || !c.inStasis) return;
      if (c.bridgeId) this.leaveBridge(c, 'continue');
      this.leaveStasis(c);
      c.dialplan = { context: ctx, exten, priority: Number(priority ?? 1) || 1, app_name: '', app_data: '' };
      const call = this.call(c);
      if (call) this.timelines.note(call, 'continued', this.clock.now(), { context: ctx, extension: exten });
      const target = this.dialplanRoutes[ctx];
      if (target) this.dialFromDialplan(c, target);
    });
  }

  /** The dialplan Dial()s a partner: a leg no app hears, bridged with the caller when answered. */
  private dialFromDialplan(caller: Channel, endpointKey: string): void {
    if (!this.endpoints.has(endpointKey)) return;
    const leg = this.dialLeg(caller, endpointKey);
    caller.dialplanPeerId = leg.id;
    this.ringDialLeg(caller, leg, endpointKey);
  }

  /** A leg the dialplan's Dial() rings on a registered endpoint (no app hears it). */
  private dialLeg(caller: Channel, endpointKey: string): Channel {
    const ep = this.endpoints.get(endpointKey)!;
    const slash = endpointKey.indexOf('/');
    const leg = this.newChannel({
      prefix: endpointKey,
      tech: endpointKey.slice(0, slash),
      resource: endpointKey.slice(slash + 1),
      kind: 'originated',
      state: 'Down',
      caller: { ...caller.caller },
      connected: { ...caller.caller },
      dialplan: {
        context: ep.context,
        exten: 's',
        priority: 1,
        app_name: 'AppDial',
        app_data: '(Outgoing Line)',
      },
      app: null,
      protocolId: randomUUID(),
    });
    leg.endpoint = endpointKey;
    return leg;
  }

  /** Rings the endpoint's phone for that leg (once the leg is known to its caller's bookkeeping). */
  private ringDialLeg(caller: Channel, leg: Channel, endpointKey: string): void {
    this.endpoints
      .get(endpointKey)!
      .session.invite({ channelId: leg.id, endpoint: endpointKey, caller: { ...caller.caller } });
  }

  // ---- the dialplan fallback ([sasacd-fallback]) -----------------------------------------------

  /** One round: ring the group's registered phones together, or wait when none is reachable. */
  private fallbackRound(c: Channel, app: string): void {
    const fb = this.fallback!;
    const targets = fb.endpoints.filter((e) => this.endpoints.has(e));
    c.dialplan = {
      context: 'sasacd-fallback',
      exten: 's',
      priority: targets.length > 0 ? 8 : 11,
      app_name: targets.length > 0 ? 'Dial' : 'MusicOnHold',
      app_data: targets.length > 0 ? targets.join('&') : 'default',
    };
    for (const key of targets) this.fallbackLeg(c, key);
    const ms = (targets.length > 0 ? fb.ringSeconds : fb.waitSeconds) * 1000;
    this.fallbackTimers.set(
      c.id,
      this.later(null, ms, () => {
        this.fallbackTimers.delete(c.id);
        this.cancelFallbackLegs(c.id, 19);
        this.fallbackRetry(c, app);
      }),
    );
  }

  /**
   * [sasacd-entry] after a failed Stasis(): `Ringing()`, `Wait(ACD_RETRY_SECONDS)`, Stasis() again,
   * ACD_RETRY_TIMES times; the app back takes the call (never answered: still `Ring`); then the
   * fallback. A caller who hangs up meanwhile ends the wait (fallbackGone cancels the timer).
   */
  private acdRetry(c: Channel, app: string, attempt: number): void {
    const fb = this.fallback!;
    if (attempt > fb.acdRetries) return this.enterFallback(c, app);
    c.dialplan = {
      ...c.homeDialplan,
      context: 'sasacd-entry',
      exten: 's',
      app_name: 'Wait',
      app_data: String(fb.acdRetrySeconds),
    };
    this.fallbackTimers.set(
      c.id,
      this.later(null, fb.acdRetrySeconds * 1000, () => {
        this.fallbackTimers.delete(c.id);
        if (!this.channels.has(c.id)) return;
        if (this.bus.isActive(app)) return this.stasisAgain(c, app, { app, acdRetry: attempt });
        const call = this.call(c);
        if (call) this.timelines.note(call, 'stasis-failed', this.clock.now(), { app, acdRetry: attempt });
        this.acdRetry(c, app, attempt + 1);
      }),
    );
  }

  /** The app stayed away through the retries: [sasacd-fallback] answers and rings the group. */
  private enterFallback(c: Channel, app: string): void {
    const call = this.call(c);
    if (call) {
      call.route = 'fallback';
      this.timelines.note(call, 'fallback-entered', this.clock.now(), { app });
    }
    this.markAnswered(c);
    this.fallbackRound(c, app);
  }

  /** Between rounds the dialplan tries Stasis again: once the app is back it takes the call. */
  private fallbackRetry(c: Channel, app: string): void {
    if (!this.channels.has(c.id)) return;
    if (!this.bus.isActive(app)) return this.fallbackRound(c, app);
    this.stasisAgain(c, app, { app, afterFallback: true });
  }

  /** A caller the dialplan hands to the app at a retry: an arrival for the ACD. */
  private stasisAgain(c: Channel, app: string, detail: Record<string, unknown>): void {
    const call = this.call(c);
    c.app = app;
    c.inStasis = true;
    c.dialplan = { ...c.homeDialplan };
    if (call) {
      call.route = 'stasis';
      this.timelines.note(call, 'stasis-start', this.clock.now(), detail);
    }
    this.send(app, 'StasisStart', { args: c.stasisArgs, channel: channelJson(c) });
  }

  private fallbackLeg(caller: Channel, endpointKey: string): void {
    const leg = this.dialLeg(caller, endpointKey);
    this.fallbackLegs.set(leg.id, caller.id);
    this.ringDialLeg(caller, leg, endpointKey);
  }

  /** Hang up the caller's legs still ringing (answered elsewhere: 26; ring time over: 19). */
  private cancelFallbackLegs(callerId: string, cause: number): void {
    for (const [legId, of] of [...this.fallbackLegs]) {
      if (of !== callerId) continue;
      this.fallbackLegs.delete(legId);
      const leg = this.channels.get(legId);
      if (!leg) continue;
      if (leg.endpoint) this.endpoints.get(leg.endpoint)?.session.cancelled(leg.id, cause);
      this.destroy(leg, cause, undefined, true);
    }
  }

  /**
   * A phone of the group answered: the others stop ringing, the phone is bridged with the caller
   * outside any app, and [sasacd-fallback-answered] writes the record the ACD counts later.
   */
  private fallbackAnswered(callerId: string, leg: Channel): void {
    this.fallbackLegs.delete(leg.id);
    const caller = this.channels.get(callerId);
    if (!caller) return this.hangupQuietly(leg, 16);
    this.fallbackTimers.get(callerId)?.cancel();
    this.fallbackTimers.delete(callerId);
    this.cancelFallbackLegs(callerId, 26);
    caller.dialplanPeerId = leg.id;
    caller.dialplan = { ...caller.dialplan, app_name: 'Dial', app_data: leg.endpoint ?? '' };
    const now = this.clock.now();
    const call = this.call(caller);
    if (!call) return;
    const phone = leg.resource;
    const key = fallbackRecordKey({
      channelId: caller.id,
      line: call.line,
      arrivedMs: call.arrivedAtMs,
      answeredMs: now,
      phone,
      args: caller.stasisArgs.slice(1).join(','),
    });
    // In the family of the caller's application (each site on one Asterisk its own).
    this.astdb.put(fallbackFamily(caller.vars.get('__FALLBACK_APP') ?? this.defaultApp), key, '1');
    call.answeredBy = leg.endpoint;
    call.answeredByAgentAtMs = now;
    call.agentLegs.push(leg.id);
    this.timelines.note(call, 'fallback-answered', now, { endpoint: leg.endpoint, channelId: leg.id });
  }

  /** A channel is gone: a fallback caller stops its round; a refused leg may end the round. */
  private fallbackGone(c: Channel): void {
    // [sasacd-fallback-abandoned]: a caller whose last Stasis() failed, gone before any answer.
    const call = c.kind === 'inbound' && this.fallback ? this.call(c) : null;
    if (
      call &&
      !c.inStasis &&
      call.answeredBy === null &&
      (call.route === 'waiting-acd' || call.route === 'fallback')
    )
      this.astdb.put(
        fallbackFamily(c.vars.get('__FALLBACK_APP') ?? this.defaultApp),
        fallbackAbandonKey({
          channelId: c.id,
          line: call.line,
          arrivedMs: call.arrivedAtMs,
          hungUpMs: this.clock.now(),
          args: c.stasisArgs.slice(1).join(','),
        }),
        '1',
      );
    const timer = this.fallbackTimers.get(c.id);
    if (timer) {
      timer.cancel();
      this.fallbackTimers.delete(c.id);
      this.cancelFallbackLegs(c.id, 16);
    }
    const callerId = this.fallbackLegs.get(c.id);
    if (callerId === undefined) return;
    this.fallbackLegs.delete(c.id);
    if ([...this.fallbackLegs.values()].includes(callerId)) return;
    // Every phone refused (BUSY): the dialplan waits with music, then tries the ACD again.
    const caller = this.channels.get(callerId);
    this.fallbackTimers.get(callerId)?.cancel();
    if (!caller || !this.fallback) return;
    const app = caller.vars.get('__FALLBACK_APP') ?? this.defaultApp;
    this.fallbackTimers.set(
      callerId,
      this.later(null, this.fallback.waitSeconds * 1000, () => {
        this.fallbackTimers.delete(callerId);
        this.fallbackRetry(caller, app);
      }),
    );
  }

  redirect(id: string, endpoint: string | undefined): void {
    if (!endpoint) throw AriError.message(400, 'Required parameter endpoint not provided');
    const c = this.mustChannel(id, 404);
    if (!c.inStasis) throw AriError.notInStasis(409);
    const slash = endpoint.indexOf('/');
    if (slash <= 0)
      throw AriError.message(422, `Endpoint parameter '${endpoint}' does not contain tech/resource`);
    const tech = endpoint.slice(0, slash);
    if (tech.toLowerCase() !== c.tech.toLowerCase()) {
      throw AriError.message(
        422,
        `Endpoint technology '${tech}' does not match channel technology '${c.tech}'`,
      );
    }
    const call = this.call(c);
    if (c.state !== 'Up') {
      // 302 Moved Temporarily to the caller
      this.later(null, 0, () => {
        if (!this.channels.has(c.id)) return;
        if (call) this.timelines.note(call, 'redirected', this.clock.now(), { endpoint, sip: 302 });
        this.sendChannel(c, 'ChannelHangupRequest', { cause: 23, tech_cause: 302 });
        if (c.bridgeId) this.leaveBridge(c, 'hangup');
        this.leaveStasis(c);
        if (c.kind === 'inbound') this.endCall(c, 'pbx', 23);
        this.destroy(c, 23, 302, c.app === null);
      });
      return;
    }
    // SIP REFER: the app hears nothing until the caller's BYE.
    if (call) this.timelines.note(call, 'referred', this.clock.now(), { endpoint, sip: 'REFER' });
    const delay = Number(c.vars.get('__REFER_HANGUP_MS') ?? 1000);
    if (delay >= 0) this.later(c, delay, () => this.farEndHangup(c, 'caller'));
  }

  // ---- originate --------------------------------------------------------------------------------

  originate(p: OriginateParams): Record<string, unknown> {
    if (!p.endpoint) throw AriError.message(400, 'Endpoint must be specified');
    if (!p.app && !p.extension) throw AriError.message(400, 'Application or extension must be specified');
    const slash = p.endpoint.indexOf('/');
    if (slash <= 0 || slash === p.endpoint.length - 1)
      throw AriError.message(400, 'Invalid endpoint specified');
    if (p.channelId && this.channels.has(p.channelId)) {
      throw AriError.message(409, 'Channel with given unique ID already exists');
    }
    if (this.failNextOriginate) {
      const err = this.failNextOriginate;
      this.failNextOriginate = null;
      throw err;
    }
    const tech = p.endpoint.slice(0, slash);
    const resource = p.endpoint.slice(slash + 1);
    if (tech === 'Local') return channelJson(this.originateLocal(p, resource));
    if (tech !== 'PJSIP') throw AriError.allocationFailed();
    const key = `PJSIP/${resource}`;
    const ep = this.endpoints.get(key);
    if (!ep) throw AriError.allocationFailed();
    const caller = parseCallerId(p.callerId);
    const c = this.newChannel({
      id: p.channelId,
      prefix: key,
      tech,
      resource,
      kind: 'originated',
      state: 'Down',
      caller,
      connected: { ...caller },
      dialplan: {
        context: ep.context,
        exten: 's',
        priority: 1,
        app_name: 'AppDial2',
        app_data: '(Outgoing Line)',
      },
      app: p.app ?? null,
      protocolId: randomUUID(),
    });
    c.endpoint = key;
    c.stasisArgs = splitArgs(p.appArgs);
    if (p.app) c.vars.set('__ORIGINATE_APP', p.app);
    for (const [k, v] of Object.entries(p.variables ?? {})) c.vars.set(k, String(v));
    const timeoutS = parseTimeout(p.timeout);
    this.later(c, this.timing.originateMs, () => {
      if (!this.channels.has(c.id)) return;
      this.sendDial(c, '');
      ep.session.invite({ channelId: c.id, endpoint: key, caller: { ...caller } });
    });
    if (timeoutS > 0) {
      this.later(c, timeoutS * 1000, () => {
        if (!this.channels.has(c.id) || c.answered) return;
        // Asterisk sends CANCEL and only ChannelDestroyed: no final Dial, no ChannelHangupRequest.
        this.endpoints.get(key)?.session.cancelled(c.id, 19);
        this.destroy(c, 19, 480);
      });
    }
    return channelJson(c);
  }

  /** Local/exten@context: the ;2 half runs the sim's Local dialplan (Answer, then Wait(300)). */
  private originateLocal(p: OriginateParams, resource: string): Channel {
    const at = resource.indexOf('@');
    const exten = at >= 0 ? resource.slice(0, at) : resource;
    const context = (at >= 0 ? resource.slice(at + 1) : 'default').replace(/\/n$/, '');
    if (context === 'sasacd-fallback-reader' && !p.app) {
      // [sasacd-fallback-reader]: deletes the records the ACD says it counted, from the family it
      // names (its site's), then waits.
      const family = p.variables?.SASACD_FALLBACK_FAMILY || FALLBACK_FAMILY;
      for (const key of (p.variables?.SASACD_FALLBACK_COUNTED ?? '').split('|'))
        if (key !== '') this.astdb.delete(family, key);
    }
    const dialplan = { context, exten, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
    const empty = (): Party => ({ name: '', number: '' });
    const app = p.app && this.bus.isRegistered(p.app) ? p.app : null;
    const one = this.newChannel({
      id: p.channelId,
      prefix: `Local/${resource}`,
      tech: 'Local',
      resource,
      kind: 'originated',
      state: 'Down',
      caller: empty(),
      connected: empty(),
      dialplan,
      app,
      protocolId: '',
    });
    const seq = one.name.slice(one.name.lastIndexOf('-'));
    one.name = `Local/${resource}${seq};1`;
    const two = this.newChannel({
      prefix: `Local/${resource}`,
      tech: 'Local',
      resource,
      kind: 'local2',
      state: 'Ring',
      caller: empty(),
      connected: empty(),
      dialplan: { context, exten, priority: 1, app_name: '', app_data: '' },
      app,
      protocolId: '',
    });
    two.name = `Local/${resource}${seq};2`;
    this.nameSeq--; // one Local pair uses one sequence number
    one.partnerId = two.id;
    two.partnerId = one.id;
    one.stasisArgs = splitArgs(p.appArgs);
    if (!p.app) {
      // originated into the dialplan: nothing reaches any app
      one.app = null;
      two.app = null;
      return one;
    }
    if (!app) {
      // Stasis() on an unknown app fails at once: the pair hangs up, unseen.
      this.later(one, 0, () => {
        this.destroy(one, 16, undefined, true);
        this.destroy(two, 16, undefined, true);
      });
      return one;
    }
    this.later(one, 0, () => {
      this.sendDial(one, '');
      two.dialplan = { ...two.dialplan, app_name: 'Answer', app_data: '' };
      this.sendChannel(two, 'ChannelDialplan', { dialplan_app: 'Answer', dialplan_app_data: '' });
      two.state = 'Up';
      two.answered = true;
      this.sendChannel(two, 'ChannelStateChange');
      one.state = 'Up';
      one.answered = true;
      this.sendChannel(one, 'ChannelStateChange');
      this.sendDial(one, 'ANSWER');
      this.enterStasis(one, app);
      this.later(two, 500, () => {
        two.dialplan = { ...two.dialplan, priority: 2, app_name: 'Wait', app_data: '300' };
        this.sendChannel(two, 'ChannelDialplan', { dialplan_app: 'Wait', dialplan_app_data: '300' });
      });
    });
    return one;
  }

  // ---- bridges ----------------------------------------------------------------------------------

  createBridge(
    type: string | undefined,
    name: string | undefined,
    bridgeId?: string,
  ): Record<string, unknown> {
    if (bridgeId && this.bridges.has(bridgeId)) {
      throw AriError.message(409, `Bridge with id '${bridgeId}' already exists`);
    }
    const tokens = (type ?? 'mixing').split(',').map((t) => t.trim());
    const known = [
      'mixing',
      'holding',
      'dtmf_events',
      'proxy_media',
      'video_sfu',
      'video_single',
      'sdp_label',
    ];
    if (tokens.some((t) => !known.includes(t))) {
      throw AriError.message(
        500,
        `Unable to create bridge. Possible duplicate bridge id '${bridgeId ?? '(null)'}'`,
      );
    }
    const bridgeType = tokens.includes('holding') ? 'holding' : 'mixing';
    const b: Bridge = {
      id: bridgeId ?? randomUUID(),
      name: name ?? '',
      bridgeType,
      technology: bridgeType === 'holding' ? 'holding_bridge' : 'simple_bridge',
      channels: [],
      createdAt: this.clock.now(),
      moh: null,
      announcerId: null,
      watched: false,
      app: this.defaultApp,
      queuedPlaybacks: [],
      joined: [],
    };
    this.bridges.set(b.id, b);
    return bridgeJson(b);
  }

  mustBridge(id: string): Bridge {
    const b = this.bridges.get(id);
    if (!b) throw AriError.bridgeNotFound();
    return b;
  }

  listBridges(): Record<string, unknown>[] {
    return [...this.bridges.values()].map((b) => bridgeJson(b));
  }

  getBridge(id: string): Record<string, unknown> {
    return bridgeJson(this.mustBridge(id));
  }

  private stasisChannels(channel: string): Channel[] {
    const list = channel.split(',').map((id) => {
      const c = this.channels.get(id);
      if (!c) throw AriError.channelNotFound(400);
      return c;
    });
    for (const c of list) if (!c.inStasis) throw AriError.notInStasis(422);
    return list;
  }

  /** Resolves once the channels are in the bridge: Asterisk replies after the join (traces). */
  addChannel(bridgeId: string, channel: string | undefined): Promise<void> {
    if (!channel) throw AriError.message(400, 'Missing parameter channel');
    const b = this.mustBridge(bridgeId);
    const list = this.stasisChannels(channel);
    this.clockWaits++;
    return new Promise((resolve) => {
      this.later(null, this.timing.bridgeMs, () => {
        this.clockWaits--;
        for (const c of list) {
          if (!this.channels.has(c.id) || !this.bridges.has(b.id)) continue;
          // A channel already in this bridge departs and joins again, as on Asterisk 22.10.1 (lab
          // run: ChannelLeftBridge then ChannelEnteredBridge, same bridge; a music channel left
          // alone meanwhile leaves with its music).
          if (c.bridgeId) this.leaveBridge(c, 'move');
          this.enterBridge(c, b);
        }
        resolve();
      });
    });
  }

  removeChannel(bridgeId: string, channel: string | undefined): void {
    if (!channel) throw AriError.message(400, 'Missing parameter channel');
    const b = this.mustBridge(bridgeId);
    const list = this.stasisChannels(channel);
    for (const c of list) {
      if (c.bridgeId !== b.id) throw AriError.message(422, 'Channel not in this bridge');
    }
    this.later(null, this.timing.bridgeMs, () => {
      for (const c of list) if (c.bridgeId === b.id) this.leaveBridge(c, 'remove');
    });
  }

  private enterBridge(c: Channel, b: Bridge): void {
    b.joined.push(c.id);
    b.channels.push(c.id);
    b.channels.sort((x, y) => idSeq(x) - idSeq(y));
    c.bridgeId = b.id;
    // Asterisk subscribes the application of a Stasis channel to the bridge it joins: the bridge's
    // recording events reach it (with several applications, each site's own).
    for (const r of this.recordings.live.values())
      if (r.targetUri === `bridge:${b.id}` && r.app === this.defaultApp && c.app) r.app = c.app;
    this.send(c.app, 'ChannelEnteredBridge', { bridge: bridgeJson(b), channel: channelJson(c) });
    b.technology = technologyFor(b);
    const call = this.call(c);
    if (call)
      this.timelines.note(call, 'entered-bridge', this.clock.now(), { bridge: b.name, type: b.bridgeType });
    if (b.bridgeType === 'mixing') {
      this.bridgePeerRounds(b);
      this.noteAgentConnections(b);
    }
  }

  /**
   * Asterisk's bookkeeping after a change in a mixing bridge holding two or more: three rounds of
   * BRIDGEPEER (the others, newest first) and, between two, BRIDGEPVTCALLID (the peer's SIP call id),
   * newest member first; between two, each side's ChannelConnectedLine (if it changes) after the
   * second and third rounds. A third party clears BRIDGEPVTCALLID once.
   */
  private bridgePeerRounds(b: Bridge): void {
    const members = [...b.joined]
      .reverse()
      .map((id) => this.channels.get(id))
      .filter((x): x is Channel => !!x);
    if (members.length < 2) return;
    const two = members.length === 2;
    for (let round = 0; round < 3; round++) {
      for (const m of members) {
        const peers = members.filter((x) => x !== m);
        this.setVar(m, 'BRIDGEPEER', peers.map((x) => x.name).join(','));
        if (two) this.setVar(m, 'BRIDGEPVTCALLID', peers[0]!.protocolId);
        else if (round === 0 && (m.vars.get('BRIDGEPVTCALLID') ?? '') !== '')
          this.setVar(m, 'BRIDGEPVTCALLID', '');
      }
      if (two && round > 0) {
        const self = members[round - 1]!;
        const peer = members[2 - round]!;
        if (self.connected.name !== peer.caller.name || self.connected.number !== peer.caller.number) {
          self.connected = { ...peer.caller };
          this.sendChannel(self, 'ChannelConnectedLine');
        }
      }
    }
  }

  /** Ground truth: a caller sharing a mixing bridge with an answered agent leg is answered by it. */
  private noteAgentConnections(b: Bridge): void {
    const members = b.channels.map((id) => this.channels.get(id)).filter((x): x is Channel => !!x);
    const agents = members.filter((m) => m.kind === 'originated' && m.answered && m.endpoint);
    for (const m of members) {
      const call = this.call(m);
      if (!call) continue;
      for (const a of agents) {
        if (call.agentLegs.includes(a.id)) continue;
        const now = this.clock.now();
        call.agentLegs.push(a.id);
        call.agents.push(a.endpoint!);
        if (call.answeredBy === null) {
          call.answeredBy = a.endpoint;
          call.answeredByAgentAtMs = now;
        }
        this.timelines.note(call, 'connected-to-agent', now, { agent: a.endpoint, bridge: b.name });
      }
    }
  }

  private noteAgentLeft(agent: Channel): void {
    const b = agent.bridgeId ? this.bridges.get(agent.bridgeId) : undefined;
    if (!b || !agent.endpoint) return;
    for (const id of b.channels) {
      const other = this.channels.get(id);
      const call = other ? this.call(other) : null;
      if (call) this.timelines.note(call, 'agent-left', this.clock.now(), { agent: agent.endpoint });
    }
  }

  private leaveBridge(c: Channel, how: 'move' | 'hangup' | 'remove' | 'continue'): void {
    const b = c.bridgeId ? this.bridges.get(c.bridgeId) : undefined;
    c.bridgeId = null;
    if (!b) return;
    if (how === 'hangup' && c.kind !== 'inbound') this.noteAgentLeft(c);
    b.channels = b.channels.filter((id) => id !== c.id);
    b.joined = b.joined.filter((id) => id !== c.id);
    for (const v of ['BRIDGEPEER', 'BRIDGEPVTCALLID'])
      if ((c.vars.get(v) ?? '') !== '') this.setVar(c, v, '');
    // Asterisk listed the MOH announcer in this one snapshot (redirect-to-partner trace).
    const shown = how === 'continue' && b.announcerId ? [...b.channels, b.announcerId] : b.channels;
    // Departing a bridge alive sets the channel's hangupcause (bridge_channel.c channel_set_cause).
    if (how !== 'hangup' && c.hangupCause === null) c.hangupCause = 16;
    this.send(c.app, 'ChannelLeftBridge', { bridge: bridgeJson(b, shown), channel: channelJson(c) });
    if (b.channels.length === 0 && b.moh) this.announcerLeaves(b);
    b.technology = technologyFor(b);
    if (b.bridgeType === 'mixing') this.bridgePeerRounds(b);
    if (how === 'hangup' || how === 'continue') b.watched = b.watched || c.app !== null;
    const call = this.call(c);
    if (call)
      this.timelines.note(call, 'left-bridge', this.clock.now(), { bridge: b.name, type: b.bridgeType });
  }

  destroyBridge(id: string): void {
    const b = this.mustBridge(id);
    this.later(null, this.timing.bridgeMs, () => {
      if (!this.bridges.has(b.id)) return;
      for (const cid of [...b.channels]) {
        const c = this.channels.get(cid);
        if (c) this.leaveBridge(c, 'remove');
      }
      this.playbacks.finishTarget(`bridge:${b.id}`);
      this.recordings.finishTarget(`bridge:${b.id}`);
      this.bridges.delete(b.id);
      if (b.watched) this.send(b.app, 'BridgeDestroyed', { bridge: bridgeJson(b) });
    });
  }

  startBridgeMoh(id: string, mohClass: string | undefined): void {
    const b = this.mustBridge(id);
    b.moh = mohClass ?? 'default';
    if (!b.announcerId) {
      this.newChannelId(); // Announcer/ARI_MOH;1 takes an id too
      b.announcerId = this.newChannelId();
    }
  }

  stopBridgeMoh(id: string): void {
    const b = this.mustBridge(id);
    if (!b.moh) throw AriError.message(409, "Bridge isn't playing music");
    this.stopMusic(b);
  }

  /**
   * res_stasis gives the bridge's music channel the "lonely" flag: when the last other channel
   * leaves, the announcer leaves too and the music stops (`Announcer/ARI_MOH… left`, `Stopped
   * music on hold`). Nothing is reported to the app; a later caller waits in silence unless the
   * app starts the music again.
   */
  private announcerLeaves(b: Bridge): void {
    this.stopMusic(b);
  }

  private stopMusic(b: Bridge): void {
    b.moh = null;
    b.announcerId = null;
    const queued = b.queuedPlaybacks.splice(0);
    for (const pid of queued) {
      const p = this.playbacks.all.get(pid);
      if (p) this.startOnBridge(b, p);
    }
  }

  // ---- playbacks --------------------------------------------------------------------------------

  playOnChannel(
    id: string,
    media: string | undefined,
    lang?: string,
    playbackId?: string,
  ): Record<string, unknown> {
    if (!media) throw AriError.message(400, 'Required parameter media not provided');
    const c = this.mustStasis(id);
    const p = this.playbacks.create(media, `channel:${c.id}`, c.app ?? this.defaultApp, lang, playbackId);
    this.later(null, 0, () => {
      this.playbacks.start(p);
      if (p.state === 'playing' || p.state === 'done') this.audioOn(c.id);
    });
    return playbackJson(p);
  }

  playOnBridge(
    id: string,
    media: string | undefined,
    lang?: string,
    playbackId?: string,
  ): Record<string, unknown> {
    if (!media) throw AriError.message(400, 'Required parameter media not provided');
    const b = this.mustBridge(id);
    const p = this.playbacks.create(media, `bridge:${b.id}`, b.app, lang, playbackId);
    // Music on hold holds the bridge's announcer: the playback waits until the music stops.
    if (b.moh) b.queuedPlaybacks.push(p.id);
    else this.later(null, 0, () => this.startOnBridge(b, p));
    return playbackJson(p);
  }

  /** A bridge's playback is written to each of its channels. */
  private startOnBridge(b: Bridge, p: Playback): void {
    this.playbacks.start(p);
    if (p.state === 'playing' || p.state === 'done') for (const id of b.channels) this.audioOn(id);
  }

  getPlayback(id: string): Record<string, unknown> {
    return playbackJson(this.playbacks.must(id));
  }

  stopPlayback(id: string): void {
    this.playbacks.finish(this.playbacks.must(id), 'done');
  }

  // ---- recordings and snooping ----------------------------------------------------------------

  recordChannel(id: string, params: RecordParams): Record<string, unknown> {
    const c = this.mustChannel(id, 404);
    if (!c.inStasis) throw AriError.notInStasis(409);
    const r = this.recordings.start(`channel:${c.id}`, c.app ?? this.defaultApp, params, (fn) =>
      this.later(null, 0, fn),
    );
    return liveJson(r);
  }

  recordBridge(id: string, params: RecordParams): Record<string, unknown> {
    const b = this.mustBridge(id);
    // (The application of a Stasis channel already in it: see enterBridge.)
    const app = b.channels.map((c) => this.channels.get(c)).find((c) => c?.inStasis && c.app)?.app ?? b.app;
    const r = this.recordings.start(`bridge:${b.id}`, app, params, (fn) => this.later(null, 0, fn));
    return liveJson(r);
  }

  /**
   * A Snoop channel on `id`, already Up, that enters `app` (StasisStart) on the next tick (Asterisk
   * starts its Stasis thread after answering the request). The checks, their order and their words
   * are Asterisk 22's (res/ari/resource_channels.c, ari_channels_handle_snoop_channel): each
   * direction must be a known one, at least one must not be none, an app is required, then the
   * channel must exist (404); a snoop id already in use fails the channel allocation (500).
   */
  snoop(
    id: string,
    p: {
      app?: string | undefined;
      appArgs?: string | undefined;
      snoopId?: string | undefined;
      spy?: string | undefined;
      whisper?: string | undefined;
    },
  ) {
    const direction = (v: string | undefined, what: string): SnoopDirection => {
      if (!v) return 'none';
      if (!(SNOOP_DIRECTIONS as readonly string[]).includes(v))
        throw AriError.message(400, `Invalid direction specified for ${what}`);
      return v as SnoopDirection;
    };
    const spy = direction(p.spy, 'spy');
    const whisper = direction(p.whisper, 'whisper');
    if (spy === 'none' && whisper === 'none')
      throw AriError.message(400, 'Direction must be specified for at least spy or whisper');
    if (!p.app) throw AriError.message(400, 'Application name is required');
    const target = this.channels.get(id);
    if (!target) throw AriError.message(404, 'Provided channel was not found');
    if (p.snoopId && this.channels.has(p.snoopId)) {
      throw AriError.message(500, 'Snoop channel could not be created');
    }
    const app = p.app;
    const s = this.newChannel({
      id: p.snoopId,
      prefix: `Snoop/${target.id}`,
      tech: 'Snoop',
      resource: target.id,
      kind: 'snoop',
      state: 'Up',
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      app,
      protocolId: '',
    });
    s.name = `Snoop/${target.id}-${(this.snoopSeq++).toString(16).padStart(8, '0')}`;
    this.nameSeq--;
    s.snoopOf = target.id;
    s.snoopDirections = { spy, whisper };
    s.stasisArgs = splitArgs(p.appArgs);
    this.later(s, 0, () => {
      if (!this.bus.isActive(app)) {
        this.destroy(s, 16, undefined, true);
        return;
      }
      s.inStasis = true;
      s.dialplan = { ...s.dialplan, app_name: 'Stasis', app_data: [app, ...s.stasisArgs].join(',') };
      this.send(app, 'StasisStart', { args: s.stasisArgs, channel: channelJson(s) });
    });
    return channelJson(s);
  }

  /**
   * Asterisk's snoop hang-up (res_stasis_snoop.c snoop_hangup → ast_audiohook_detach) waits until
   * the spied channel passes an audio frame: the channel stays listed, out of the app, until then
   * or until the spied channel ends. No audio flows in sim-pbx (as with the lab's sipp phones), but
   * a playback does: one started on the spied channel, or on a bridge it is in, releases it.
   */
  private detachSnoop(s: Channel): void {
    s.detaching = true;
    s.dialplan = { ...s.dialplan, app_name: '', app_data: '' };
  }

  /** An audio frame passed on the channel (a playback started): snoops being hung up are gone. */
  private audioOn(channelId: string): void {
    for (const s of [...this.channels.values()])
      if (s.detaching && s.snoopOf === channelId) this.destroy(s, 16, undefined, true);
  }

  /** Ground truth of the snoop channels up now: whom each spies on, how, and whom it is bridged with. */
  snoops(): {
    id: string;
    of: string;
    spy: SnoopDirection;
    whisper: SnoopDirection;
    bridgedWith: string[];
  }[] {
    return [...this.channels.values()]
      .filter((c) => c.kind === 'snoop' && c.snoopOf)
      .map((c) => ({
        id: c.id,
        of: c.snoopOf!,
        spy: c.snoopDirections?.spy ?? 'none',
        whisper: c.snoopDirections?.whisper ?? 'none',
        bridgedWith: c.bridgeId
          ? [...this.channels.values()].filter((o) => o.bridgeId === c.bridgeId && o !== c).map((o) => o.id)
          : [],
      }));
  }

  // ---- applications -----------------------------------------------------------------------------

  applicationJson(name: string): Record<string, unknown> {
    const channelIds = [...this.channels.values()]
      .filter((c) => c.app === name && c.inStasis)
      .map((c) => c.id);
    const bridgeIds = [...this.bridges.values()]
      .filter((b) => b.watched || b.channels.some((id) => channelIds.includes(id)))
      .map((b) => b.id);
    return {
      name,
      channel_ids: channelIds,
      bridge_ids: bridgeIds,
      endpoint_ids: [],
      device_names: [],
      events_allowed: [],
      events_disallowed: [],
    };
  }

  applications(): string[] {
    return this.bus.registered();
  }

  asteriskInfo(): Record<string, unknown> {
    const started = asteriskTime(this.startedAt);
    return {
      build: { os: 'Linux', kernel: 'sim-pbx', machine: 'x86_64', options: '', date: '', user: 'sim-pbx' },
      system: { version: '22.10.1', entity_id: this.asteriskId },
      config: {
        name: 'sim-pbx',
        default_language: 'en',
        setid: { user: 'asterisk', group: 'asterisk' },
      },
      status: { startup_time: started, last_reload_time: started },
    };
  }

  ping(): Record<string, unknown> {
    return { asterisk_id: this.asteriskId, ping: 'pong', timestamp: asteriskTime(this.clock.now()) };
  }

  /** Stop every timer (server shutdown). */
  shutdown(): void {
    for (const c of this.channels.values()) for (const t of c.timers) t.cancel();
    this.playbacks.shutdown();
    this.recordings.shutdown();
  }
}

function readVariable(c: Channel, variable: string): string | undefined {
  if (variable.startsWith('__')) return undefined;
  if (variable === 'CALLERID(num)') return c.caller.number;
  if (variable === 'CALLERID(name)') return c.caller.name;
  if (variable === 'CHANNEL(name)') return c.name;
  return c.vars.get(variable);
}

function idSeq(id: string): number {
  const n = Number(id.slice(id.lastIndexOf('.') + 1));
  return Number.isFinite(n) ? n : 0;
}
