// The FreeSWITCH adapter: SIP through a drachtio-server (drachtio-srf), media on FreeSWITCH
// (drachtio-fsmrf over the event socket). It implements the same TelephonyPort as the ARI adapter and
// holds no rule of the 15. A caller is answered through FreeSWITCH (connectCaller) and held with its
// queue's music; each agent leg is its own FreeSWITCH endpoint (3pcc) and a createUAC to the phone,
// bridged (uuid_bridge) on answer; a third party turns the call into a conference. Every endpoint is
// destroyed when its part of the call ends: FreeSWITCH learns of a caller's BYE only that way
// (../shared/freeswitch-1.10/README.md).
import type { Logger } from '../../ports/logger.js';
import type { Command } from '../../core/commands.js';
import type { Effect } from '../../core/effects.js';
import type { CommandSink, TelephonyPort } from '../port.js';
import {
  MrfCtor,
  SrfCtor,
  type FsEndpoint,
  type FsMediaServer,
  type Srf,
  type SrfDialog,
  type SrfError,
  type SrfRequest,
  type SrfResponse,
} from './libs.js';
import { engineCallId } from './call-id.js';
import type { CallPlan } from '../../core/telephony-plan.js';
import { AdoptedDialogs } from './adopted-legs.js';
import {
  DIALOG_VAR,
  LEG_HEADERS,
  adoptCalls,
  readoptCalls,
  type DrachtioAdoptionReport,
  type TakeOverHost,
} from './adoption.js';
import { conferenceOf, type Caller, type Leg, type OutboundCall } from './call-state.js';
import { alive, bye, destroyQuietly } from './sip-dialogs.js';
import { LateAnswers, UAC_DIALOG_VAR, uacDialogId } from './late-answer.js';
import { DialogWatch } from './dialog-watch.js';
import { FsCallRecorder, type FsRecordingAvailable, type FsRecordingOptions } from './call-recording.js';
import { FsListenIn } from './listen-in.js';
import { FsConsultations } from './consultation.js';
import { referCaller } from './refer.js';
import { firstAnswerSettled, holdsFirstAnswer, joinsBeforeAnswer } from './answer-on-join.js';
import { returnedCallId } from './call-id.js';
import { stopRouting } from './stop-routing.js';
import { followEventSocket } from './event-socket-link.js';
import { untilSent } from './ring-sent.js';

export type { DrachtioAdoptionReport } from './adoption.js';

export type DrachtioAdapterOptions = {
  drachtio: { host: string; port: number; secret: string };
  /**
   * The drachtio link went down (false) or came back (true). When given, the owner re-adopts on
   * its return (serve: readopt, then the outbox take-over); otherwise the adapter readopts alone.
   */
  onLink?: (up: boolean) => void;
  freeswitch: { host: string; port: number; password: string };
  /** Where fsmrf listens for FreeSWITCH's outbound event-socket connections (port 0: any). */
  eslListen?: { address: string; port: number; advertisedAddress?: string };
  /** SIP URI that rings an agent, e.g. "sip:arm-12@10.0.0.5". */
  agentUri: (agentId: string) => string;
  /** SIP URI of a partner SAS (REFER after answer, 302 before). */
  partnerUri: (partnerId: string, destination: string) => string;
  /** SIP URI for an outside number (callbacks). */
  outboundUri?: (number: string) => string;
  /** FreeSWITCH file for a queue's music class ("default" → local_stream://default). */
  musicFile?: (music: string) => string;
  /** Where FreeSWITCH writes whole-call recordings (on the FreeSWITCH host); none when absent. */
  recordingsDir?: string;
  /** The site's recording switch (./call-recording.ts); with recordingsDir, calls are recorded. */
  recording?: FsRecordingOptions;
  /** A call's recording is closed by FreeSWITCH. */
  onRecording?: (r: FsRecordingAvailable) => void;
  /** How long a REFER waits for its final NOTIFY before the caller is let go anyway (32 s). */
  referWaitMs?: number;
  /** How often the dialogs of an old drachtio connection are checked (dialog-watch.ts); 2000 ms. */
  dialogWatchMs?: number;
  /** The longest wait between two reconnection tries of the event socket (./event-socket-link.ts). */
  eventSocketRetryMaxMs?: number;
  /**
   * New callers are parked (answered by FreeSWITCH with music, not told) from the start until
   * adopt(), which tells them then: a process connecting for a hand-over holds calls while the
   * leaving one still takes its share (docs/freeswitch.md, "A graceful hand-over").
   */
  parkUntilAdopted?: boolean;
  callerId?: string;
  logger: Logger;
  clock?: () => number;
};

/**
 * CANCELs an agent's INVITE. With a callback: without one drachtio-srf returns a promise nobody
 * holds, which rejects unhandled when the connection is already gone (the process then stops).
 */
const cancelQuietly = (req: SrfRequest): void => {
  try {
    req.cancel({}, () => undefined);
  } catch {
    // not a request we sent, or already answered
  }
};

const reasonOf = (status: number | undefined, timedOut: boolean) =>
  status === 486 || status === 600
    ? ('busy' as const)
    : status === 487 && timedOut
      ? ('no-answer' as const)
      : status === 480 || status === 408
        ? ('no-answer' as const)
        : status === 603
          ? ('rejected' as const)
          : ('unreachable' as const);

export class DrachtioAdapter implements TelephonyPort {
  private srf: Srf | null = null;
  private ms: FsMediaServer | null = null;
  private sink: CommandSink = () => {};
  private readonly callers = new Map<string, Caller>();
  private readonly legs = new Map<string, Leg>(); // callId|agentId
  /** First answers being joined with their caller before being told (./answer-on-join.ts), by callId|agentId. */
  private readonly joining = new Map<string, Promise<void>>();
  private readonly outbound = new Map<string, OutboundCall>();
  private up = false;
  /** The two links apart, for the dependencies' health (src/observability/freeswitch-round-trip.ts). */
  private readonly link = { drachtio: false, eventSocket: false };
  private readonly clock: () => number;
  private readonly adopted = new AdoptedDialogs();
  private readonly recorder: FsCallRecorder | null;
  private readonly watch: DialogWatch;
  /** Outside numbers that rang for the process taken over: hung up if they answer (./late-answer.ts). */
  private readonly lateAnswers: LateAnswers;
  private readonly listenIn: FsListenIn;
  /** Consultative outside transfers (./consultation.ts). */
  private readonly consultations: FsConsultations;
  /** Callers parked (answered, music, not told: park()) and the answers still under way. */
  private parking = false;
  private readonly parked = new Set<Caller>();
  private readonly parkings = new Set<Promise<void>>();
  /** drachtio routes INVITEs at connect, before the event socket to FreeSWITCH is up: parking waits. */
  private mediaUp: Promise<void> = Promise.resolve();

  constructor(private readonly opts: DrachtioAdapterOptions) {
    this.clock = opts.clock ?? Date.now;
    this.parking = opts.parkUntilAdopted ?? false;
    this.listenIn = new FsListenIn({
      srf: () => this.srf,
      ms: () => this.ms,
      agentLeg: (callId, agentId) => this.legs.get(`${callId}|${agentId}`),
      phoneUri: (agentId) => opts.agentUri(agentId),
      report: (cmd) => this.report(cmd),
      logger: opts.logger,
    });
    this.consultations = new FsConsultations({
      logger: opts.logger,
      caller: (callId) => this.callers.get(callId),
      leg: (callId, agentId) => {
        const leg = this.legs.get(`${callId}|${agentId}`);
        return leg?.answered ? leg : undefined;
      },
      outbound: (callId) => this.outbound.get(callId),
      toConference: (caller) => this.toConference(caller),
      moveLeg: (from, to, agentId) => {
        const leg = this.legs.get(`${from}|${agentId}`);
        if (!leg) return;
        this.legs.delete(`${from}|${agentId}`);
        this.callers.get(from)?.with.delete(agentId);
        Object.assign(leg, { callId: to, dialOut: true });
        this.legs.set(`${to}|${agentId}`, leg);
      },
      musicFile: (music) => this.music(music),
    });
    this.watch = new DialogWatch((id) => alive(this.srf, { id }), opts.dialogWatchMs ?? 2000);
    this.lateAnswers = new LateAnswers(() => this.srf, opts.dialogWatchMs ?? 2000);
    this.recorder =
      opts.recording && opts.recordingsDir
        ? new FsCallRecorder(opts.recordingsDir, opts.recording, opts.logger, (r) => opts.onRecording?.(r))
        : null;
  }

  get connected(): boolean {
    return this.up;
  }

  get links(): { drachtio: boolean; eventSocket: boolean } {
    return { ...this.link };
  }

  async start(sink: CommandSink): Promise<void> {
    try {
      await this.open(sink);
    } catch (err) {
      // Nothing half-connected is left retrying behind a caller that will try again.
      await this.stop();
      throw err;
    }
  }

  private async open(sink: CommandSink): Promise<void> {
    this.sink = sink;
    let mediaUp!: () => void;
    let mediaFailed!: (err: Error) => void;
    this.mediaUp = new Promise<void>((resolve, reject) => {
      mediaUp = resolve;
      mediaFailed = reject;
    });
    this.mediaUp.catch(() => undefined);
    const srf = new SrfCtor();
    this.srf = srf;
    // Routes are announced at connect: register the INVITE handler first.
    srf.invite((req, res) => this.guard('invite', () => this.onInvite(req, res)));
    // In-dialog requests on dialogs adopted from another process (drachtio-srf knows none of them).
    srf.use((req, res, next) => this.adopted.middleware(req, res, next));
    srf.on('error', (err) => {
      this.up = false;
      this.opts.logger.warn({ err: String(err) }, 'drachtio connection error');
    });
    srf.on('close', () => {
      this.up = this.link.drachtio = false;
      this.opts.onLink?.(false);
    });
    let connections = 0;
    const connected = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('drachtio-server did not answer')), 5000);
      srf.on('connect', (err: unknown) => {
        if (err) return;
        clearTimeout(t);
        this.link.drachtio = true;
        connections += 1;
        if (connections > 1) {
          // drachtio-srf reconnected by itself: what happened meanwhile is unknown.
          // (With the event socket down, its return says the link is back.)
          this.up = this.link.eventSocket;
          if (this.up) this.linkBack();
        }
        resolve();
      });
    });
    srf.connect(this.opts.drachtio);
    await connected;
    const mrf = new MrfCtor(srf);
    const listen = this.opts.eslListen ?? { address: '127.0.0.1', port: 0 };
    try {
      this.ms = await mrf.connect({
        address: this.opts.freeswitch.host,
        port: this.opts.freeswitch.port,
        secret: this.opts.freeswitch.password,
        listenAddress: listen.address,
        listenPort: listen.port,
        ...(listen.advertisedAddress ? { advertisedAddress: listen.advertisedAddress } : {}),
      });
    } catch (err) {
      mediaFailed(err as Error);
      throw err;
    }
    mediaUp();
    this.recorder?.attach(this.ms);
    this.link.eventSocket = true;
    // modesl reconnects the event socket by itself: the link follows it (./event-socket-link.ts).
    const ms = this.ms;
    followEventSocket(
      ms,
      {
        down: () => {
          if (this.ms !== ms) return;
          this.up = this.link.eventSocket = false;
          this.opts.onLink?.(false);
        },
        up: () => {
          if (this.ms !== ms || this.link.eventSocket) return;
          this.link.eventSocket = true;
          this.up = this.link.drachtio;
          if (this.up) this.linkBack();
        },
      },
      this.opts.eventSocketRetryMaxMs,
    );
    this.ms.on('error', (err) =>
      this.opts.logger.warn({ err: String(err) }, 'FreeSWITCH event socket error'),
    );
    this.up = true;
  }

  /** Both links back after a drop: what happened meanwhile is unknown. */
  private linkBack(): void {
    if (this.opts.onLink) this.opts.onLink(true);
    else
      void this.readopt().catch((e: unknown) =>
        this.opts.logger.error({ err: String(e) }, 'drachtio re-adoption failed'),
      );
  }

  async stop(): Promise<void> {
    this.up = this.link.drachtio = this.link.eventSocket = false;
    for (const leg of this.legs.values()) if (leg.timer) clearTimeout(leg.timer);
    this.watch.stop();
    this.lateAnswers.stop();
    this.ms?.disconnect();
    this.srf?.disconnect();
    this.ms = null;
    this.srf = null;
  }

  private guard(what: string, fn: () => void | Promise<void>): void {
    try {
      const p = fn();
      if (p)
        p.catch((err: unknown) =>
          this.opts.logger.error({ err: String(err), what }, 'drachtio handler failed'),
        );
    } catch (err) {
      this.opts.logger.error({ err: String(err), what }, 'drachtio handler failed');
    }
  }

  private report(cmd: Command): void {
    this.sink(cmd, this.clock());
  }

  // ---- the network tells us ----

  private onInvite(req: SrfRequest, res: SrfResponse): void {
    const callId = engineCallId(req.get('Call-ID') ?? '');
    const line = /^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? '';
    const from = req.get('From') ?? '';
    const user = /<?sips?:([^@;>]+)@/.exec(from)?.[1] ?? '';
    const name = /^\s*"([^"]*)"/.exec(from)?.[1] ?? '';
    const number = user && user !== 'anonymous' ? user : null;
    const callerName = name && name !== 'Anonymous' ? name : null;
    const caller: Caller = {
      callId,
      req,
      res,
      line,
      number,
      name: callerName,
      answering: null,
      ep: null,
      dialog: null,
      with: new Set(),
      conference: null,
      music: null,
      gone: false,
      ours: false,
    };
    this.callers.set(callId, caller);
    req.on('cancel', () => this.callerGone(caller));
    if (this.parking) {
      this.parked.add(caller);
      this.opts.logger.info({ callId }, 'caller parked until the take-over');
      return this.parkCaller(caller);
    }
    // A withheld number reaches us as "anonymous": unknown, never blocking.
    this.report({
      type: 'arriveCall',
      callId,
      line,
      callerNumber: number,
      callerName,
    });
  }

  /** The caller hung up (CANCEL before answer, BYE after): report it, then free everything left. */
  private callerGone(caller: Caller): void {
    if (caller.gone) return;
    caller.gone = true;
    this.callers.delete(caller.callId);
    // A parked caller was never told: its end is no news either.
    if (!caller.ours && !this.parked.delete(caller))
      this.report({ type: 'callerHungUp', callId: caller.callId });
    // An agent consulting a number goes on with it (the engine's keep), never cut with the caller.
    void this.releaseCall(caller.callId, caller, false, this.consultations.agentOf(caller.callId));
  }

  // ---- the engine asks ----

  async execute(effect: Effect): Promise<void> {
    if (!this.srf || !this.ms) {
      this.opts.logger.error({ effect: effect.type }, 'telephony not connected: effect dropped');
      return;
    }
    try {
      await this.run(effect);
    } catch (err) {
      if (effect.type === 'ringAgent') return this.ringFailed(effect, err);
      this.opts.logger.warn(
        { effect: effect.type, err: (err as Error)?.message ?? String(err) },
        'drachtio effect failed',
      );
      // An outside call never placed has ended (as on Asterisk): the engine must not wait for it.
      if (effect.type === 'dialOut') this.report({ type: 'callerHungUp', callId: effect.callId });
    }
  }

  /** A ring that failed before or after its INVITE went out: for the engine an offer that failed. */
  private ringFailed(f: Extract<Effect, { type: 'ringAgent' }>, err: unknown, leg?: Leg): void {
    this.opts.logger.warn(
      { effect: f.type, err: (err as Error)?.message ?? String(err) },
      'drachtio effect failed',
    );
    this.legFailed(f.callId, f.agentId, undefined, leg);
  }

  private async run(f: Effect): Promise<void> {
    switch (f.type) {
      case 'holdCaller':
        return this.hold(f.callId, f.music);
      case 'ringAgent': {
        // Done once the INVITE is out (./ring-sent.ts): the call's next effects (a cancelRing) never
        // wait for the phone to answer or the ring to time out.
        let leg: Leg | undefined;
        return untilSent(
          (sent) => {
            const ringing = this.ring(f.callId, f.agentId, f.timeoutSeconds, undefined, sent);
            leg = this.legs.get(`${f.callId}|${f.agentId}`); // set before ring's first await
            return ringing;
          },
          (err) => this.ringFailed(f, err, leg), // never a later ring's leg of the same agent
        );
      }
      case 'cancelRing': {
        // An answer bridged before it was told, then taken back by the engine (its ring deadline at
        // the same instant): the caller, still waiting for the engine, hears its music again.
        // A first answer being joined with the caller is let finish, so that the caller is taken
        // back out of that bridge below (the ring no longer holds this cancel until then).
        await this.joining.get(`${f.callId}|${f.agentId}`)?.catch(() => {});
        const caller = this.callers.get(f.callId);
        const bridged = caller?.with.has(f.agentId) ?? false;
        await this.releaseLeg(this.legs.get(`${f.callId}|${f.agentId}`));
        if (caller && bridged && !caller.gone && caller.with.size === 0 && !caller.conference)
          return this.hold(f.callId, caller.music ?? 'default');
        return;
      }
      case 'releaseAgent':
        return this.releaseLeg(this.legs.get(`${f.callId}|${f.agentId}`));
      case 'connectAgent': {
        firstAnswerSettled(this.callers.get(f.callId), f.agentId);
        const leg = this.legs.get(`${f.callId}|${f.agentId}`);
        if (!leg) return;
        if (leg.answered) return this.connect(leg, f.conference);
        leg.connectWanted = { conference: f.conference }; // auto-answer: bridged when it answers
        return;
      }
      case 'hangUp': {
        const caller = this.callers.get(f.callId);
        if (caller) caller.ours = true;
        return this.releaseCall(f.callId, caller, true);
      }
      case 'redirectToPartner':
        return this.redirect(f);
      case 'offerCallback': {
        const caller = this.callers.get(f.callId);
        const ep = caller?.ep;
        if (!caller || !ep) return;
        let accepted = false;
        ep.on('dtmf', (e) => {
          if (e.dtmf !== '1' || accepted || caller.gone) return;
          accepted = true;
          this.report({ type: 'acceptCallback', callId: f.callId });
        });
        await ep.api('uuid_break', [ep.uuid, 'all']);
        // The prompt, then the queue music again for a caller who keeps waiting.
        void ep
          .play('sas-acd/rappel-tapez-1.wav')
          .then(() => {
            if (!caller.gone && caller.ep === ep && caller.with.size === 0 && !caller.conference)
              void ep.play(this.music(caller.music ?? 'default')).catch(() => {});
          })
          .catch(() => {});
        return;
      }
      case 'dialOut':
        // Done once the number's INVITE is out (as a ring, ./ring-sent.ts): the outbound call's next
        // effects (its hangUp, a consultation cancelled) never wait for the number to answer.
        return untilSent(
          (sent) => this.dialOut(f, sent),
          (err) => {
            this.opts.logger.warn(
              { effect: f.type, err: (err as Error)?.message ?? String(err) },
              'drachtio effect failed',
            );
            // An outside call that failed has ended (as on Asterisk): the engine must not wait for it.
            this.report({ type: 'callerHungUp', callId: f.callId });
          },
        );
      // Supervisor listen-in: eavesdrop on the agent's channel (./listen-in.ts). Not awaited: the
      // supervisor's phone ringing never holds up the call's next effects.
      case 'listenIn':
        void this.listenIn.start(f);
        return;
      case 'stopListening':
        return this.listenIn.stop(f.callId, f.supervisorId);
      case 'consultation':
        return this.consultations.step(f);
      default: {
        const never: never = f;
        this.opts.logger.warn({ effect: never }, 'unknown effect ignored');
      }
    }
  }

  private music(name: string): string {
    return (this.opts.musicFile ?? ((m) => `local_stream://${m || 'default'}`))(name);
  }

  private async answer(caller: Caller): Promise<void> {
    if (!caller.answering) {
      caller.answering = (async () => {
        // What ms.connectCaller does, but the endpoint is destroyed if the caller left meanwhile
        // (fsmrf 4.1.2 leaks it when createUAS fails).
        const req = caller.req!;
        // What a process taking over needs to find this caller (adoption.ts).
        const fromTag = /;\s*tag=([^;>\s]+)/.exec(req.get('From') ?? '')?.[1] ?? '';
        const endpoint = await this.ms!.createEndpoint({
          remoteSdp: req.body,
          headers: {
            [LEG_HEADERS.call]: caller.callId,
            [LEG_HEADERS.leg]: 'caller',
            [LEG_HEADERS.dialog]: encodeURIComponent(`${req.get('Call-ID') ?? ''};from-tag=${fromTag}`),
            [LEG_HEADERS.line]: encodeURIComponent(caller.line),
            ...(caller.number ? { [LEG_HEADERS.number]: encodeURIComponent(caller.number) } : {}),
            ...(caller.name ? { [LEG_HEADERS.name]: encodeURIComponent(caller.name) } : {}),
          },
        });
        caller.ep = endpoint;
        let dialog: SrfDialog;
        try {
          dialog = await this.srf!.createUAS(req, caller.res!, { localSdp: endpoint.local.sdp });
        } catch (err) {
          await this.destroyQuietly(endpoint);
          caller.ep = null;
          throw err;
        }
        caller.dialog = dialog;
        dialog.on('destroy', () => this.callerGone(caller));
        if (caller.gone) {
          // Hung up while FreeSWITCH was answering: nothing may be left behind.
          await this.destroyQuietly(endpoint);
          await dialog.destroy().catch(() => {});
          return;
        }
      })();
    }
    return caller.answering;
  }

  private async hold(callId: string, music: string): Promise<void> {
    const caller = this.callers.get(callId);
    if (!caller || caller.gone) return;
    await this.answer(caller);
    const ep = caller.ep;
    if (!ep || caller.gone) return;
    if (holdsFirstAnswer(caller)) {
      // Stale (./answer-on-join.ts): its music is kept for when the caller waits again.
      caller.music = music;
      return;
    }
    if (caller.conference) {
      // An adopted caller's member id is unknown: its music (uuid_transfer) takes it out.
      if (ep.conf.memberId !== undefined)
        await ep.api('conference', `${caller.conference} kick ${ep.conf.memberId}`).catch(() => {});
      caller.conference = null;
    } else if (caller.with.size > 0) {
      // Out of the bridge without cutting anyone: both legs park, then the caller hears music.
      await ep.unbridge().catch(() => {});
    }
    caller.with.clear();
    caller.music = music;
    void ep.play(this.music(music)).catch(() => {});
  }

  private async ring(
    callId: string,
    agentId: string,
    timeoutSeconds: number | null,
    dialOut?: { number: string },
    sent?: () => void,
  ): Promise<void> {
    const caller = this.callers.get(callId);
    // The party the leg is for: the caller, or (click-to-dial) the outside call still there.
    const partyGone = () => (dialOut ? !this.outbound.has(callId) : !caller || caller.gone);
    const leg: Leg = {
      callId,
      agentId,
      ep: null,
      uacReq: null,
      dialog: null,
      answered: false,
      connectWanted: null,
      ours: false,
      timedOut: false,
      timer: null,
      ...(dialOut ? { dialOut: true, connectWanted: { conference: false } } : {}),
    };
    const key = `${callId}|${agentId}`;
    this.legs.set(key, leg);
    const ep = await this.ms!.createEndpoint({
      headers: { [LEG_HEADERS.call]: callId, [LEG_HEADERS.leg]: 'agent', [LEG_HEADERS.agent]: agentId },
    });
    leg.ep = ep;
    if (leg.ours || this.legs.get(key) !== leg) {
      await this.destroyQuietly(ep);
      return;
    }
    let dialog: SrfDialog;
    try {
      dialog = await this.srf!.createUAC(
        this.opts.agentUri(agentId),
        {
          localSdp: ep.local.sdp,
          // A click-to-dial rings the agent's own phone, which answers by itself (as on Asterisk).
          headers: dialOut
            ? {
                From: `"${dialOut.number}" <sip:${dialOut.number}@localhost>`,
                'Call-Info': '<sip:localhost>;answer-after=0',
              }
            : { From: `"SAMU 15" <sip:${this.opts.callerId ?? '15'}@localhost>` },
        },
        {
          cbRequest: (_err, req) => {
            leg.uacReq = req;
            sent?.();
            if (leg.ours) cancelQuietly(req);
            else if (timeoutSeconds)
              leg.timer = setTimeout(() => {
                leg.timedOut = true;
                cancelQuietly(req);
              }, timeoutSeconds * 1000);
          },
        },
      );
    } catch (err) {
      if (leg.timer) clearTimeout(leg.timer);
      this.legFailed(callId, agentId, (err as SrfError).status, leg);
      return;
    }
    if (leg.timer) clearTimeout(leg.timer);
    leg.dialog = dialog;
    // A BYE while FreeSWITCH is being updated waits for the update: destroying the endpoint under
    // ep.modify would leave its re-INVITE unanswered, and this ring (with the call's effects) stuck.
    let hungUpEarly = false;
    dialog.on('destroy', () => {
      if (leg.answered) this.agentHungUp(leg);
      else hungUpEarly = true;
    });
    void ep.api('uuid_setvar', [ep.uuid, DIALOG_VAR, encodeURIComponent(dialog.id)]).catch(() => {});
    if (leg.ours || this.legs.get(key) !== leg || partyGone()) {
      await this.endLeg(leg);
      return;
    }
    const updating = ep.modify(dialog.remote.sdp);
    leg.updating = updating;
    await updating.finally(() => (leg.updating = null));
    // Released meanwhile (a cancelRing no longer waits for this ring): endLeg hung it up.
    if (leg.ours || this.legs.get(key) !== leg) return;
    if (hungUpEarly) {
      // Answered and gone at once: for the engine an offer that failed.
      leg.dialog = null;
      this.legFailed(callId, agentId, undefined, leg);
      return;
    }
    leg.answered = true;
    if (leg.connectWanted) await this.connect(leg, leg.connectWanted.conference);
    else if (caller && joinsBeforeAnswer(leg, caller)) {
      const joining = this.joinThenAnswer(leg);
      this.joining.set(key, joining);
      await joining.finally(() => {
        if (this.joining.get(key) === joining) this.joining.delete(key);
      });
    } else this.report({ type: 'answerOffer', callId, agentId });
  }

  /** An agent leg that never answered: the unused endpoint is always destroyed. */
  private legFailed(callId: string, agentId: string, status: number | undefined, leg?: Leg): void {
    const key = `${callId}|${agentId}`;
    const l = leg ?? this.legs.get(key);
    if (l?.ep) void this.destroyQuietly(l.ep);
    if (l && this.legs.get(key) === l) this.legs.delete(key);
    if (l?.ours) return;
    // A click-to-dial whose agent's phone did not answer ends (as on Asterisk: the agent's hang-up).
    if (l?.dialOut) return this.report({ type: 'hangUp', callId, agentId });
    this.report({ type: 'offerFailed', callId, agentId, reason: reasonOf(status, l?.timedOut ?? false) });
  }

  private agentHungUp(leg: Leg): void {
    const key = `${leg.callId}|${leg.agentId}`;
    const caller = this.callers.get(leg.callId);
    caller?.with.delete(leg.agentId);
    firstAnswerSettled(caller, leg.agentId);
    if (leg.ep) void this.destroyQuietly(leg.ep);
    leg.ep = null;
    leg.dialog = null;
    if (this.legs.get(key) === leg) this.legs.delete(key);
    // A dropped agent leg never ends the call (port.ts): the engine decides what the caller hears next.
    // The agent hanging up a click-to-dial ends it.
    if (!leg.ours)
      this.report({
        type: leg.dialOut ? 'hangUp' : 'agentLegLost',
        callId: leg.callId,
        agentId: leg.agentId,
      });
  }

  private async connect(leg: Leg, conference: boolean): Promise<void> {
    if (leg.dialOut) return this.bridgeOutside(leg.callId);
    const caller = this.callers.get(leg.callId);
    await caller?.answering?.catch(() => {});
    if (!caller?.ep || caller.gone || !leg.ep) return;
    // Bridged already: its first answer was bridged before it was told (./answer-on-join.ts).
    const already = caller.with.has(leg.agentId);
    if (already && !conference) return;
    const others = [...caller.with]
      .filter((a) => a !== leg.agentId)
      .map((a) => this.legs.get(`${leg.callId}|${a}`))
      .filter((l) => l?.ep);
    if (!conference && !caller.conference && others.length === 0) {
      await caller.ep.api('uuid_break', [caller.ep.uuid, 'all']);
      // The leg may have ended meanwhile (released, or its phone hung up): nothing to bridge.
      if (!leg.ep || caller.gone) return;
      await caller.ep.bridge(leg.ep);
      caller.with.add(leg.agentId);
      this.recordFrom(caller);
      return;
    }
    // A third party: everyone into one conference named after the call (this leg with them if bridged).
    const name = await this.toConference(caller);
    if (!already) await leg.ep.join(name);
    caller.with.add(leg.agentId);
    this.recordFrom(caller);
  }

  /**
   * The call's recording starts once the caller is with its first agent, never for a caller gone
   * before the join (an abandon); not awaited: a recorder never holds a call up.
   */
  private recordFrom(caller: Caller): void {
    if (this.recorder && this.ms && caller.ep && !caller.gone)
      void this.recorder.start(this.ms, caller.callId, caller.ep.uuid);
  }

  /**
   * A first answer (the caller waiting alone, never with an agent yet) is told once the caller is
   * bridged with the agent (./answer-on-join.ts): a caller who hangs up before is an abandon, told
   * first (callerHungUp), never an answer.
   */
  private async joinThenAnswer(leg: Leg): Promise<void> {
    const caller = this.callers.get(leg.callId);
    if (!caller) return;
    caller.joined = true;
    const first = { agentId: leg.agentId, bridging: true };
    caller.firstAnswer = first;
    const failure = await this.answer(caller)
      .then(() => this.connect(leg, false))
      .then(
        () => null,
        (err: unknown) => err,
      );
    first.bridging = false;
    // Hung up meanwhile: its callerHungUp, told first, makes it an abandon; its legs are released.
    if (caller.gone || this.callers.get(leg.callId) !== caller) return;
    if (failure)
      this.opts.logger.warn({ callId: leg.callId, err: String(failure) }, 'first answer not bridged');
    // Not bridged (a failure): told all the same, the engine's connectAgent tries again.
    this.report({ type: 'answerOffer', callId: leg.callId, agentId: leg.agentId });
  }

  /** The call's caller and its agents into one conference named after the call (once); its name. */
  private async toConference(caller: Caller): Promise<string> {
    const name = conferenceOf(caller.callId);
    if (caller.conference || !caller.ep) return name;
    const others = [...caller.with].map((a) => this.legs.get(`${caller.callId}|${a}`)).filter((l) => l?.ep);
    if (caller.with.size > 0) await caller.ep.unbridge();
    else await caller.ep.api('uuid_break', [caller.ep.uuid, 'all']);
    caller.conference = name;
    await caller.ep.join(name);
    for (const o of others) await o!.ep!.join(name);
    return name;
  }

  /**
   * A click-to-dial once both its far end and the agent's phone answered: bridged, and recorded on
   * the far end's channel (one file under the outside call's reference, as on Asterisk).
   */
  private async bridgeOutside(callId: string): Promise<void> {
    const out = this.outbound.get(callId);
    const leg = out?.agentId ? this.legs.get(`${callId}|${out.agentId}`) : undefined;
    if (!out?.answered || !out.ep || out.bridged || !leg?.answered || !leg.ep) return;
    out.bridged = true;
    await out.ep.bridge(leg.ep);
    if (this.recorder && this.ms) void this.recorder.start(this.ms, callId, out.ep.uuid);
  }

  /** A number dialled from a call: the far end joins that call's conference (and its recording). */
  private async joinParent(parentCallId: string, out: OutboundCall): Promise<void> {
    const caller = this.callers.get(parentCallId);
    await caller?.answering?.catch(() => {});
    if (!caller?.ep || caller.gone || !out.ep) return;
    const name = await this.toConference(caller);
    await out.ep.join(name);
  }

  private async redirect(f: Extract<Effect, { type: 'redirectToPartner' }>): Promise<void> {
    const { callId } = f;
    const caller = this.callers.get(callId);
    if (!caller || caller.gone) return;
    caller.ours = true;
    const uri = this.opts.partnerUri(f.partnerId, f.destination);
    if (!caller.dialog && !caller.answering) {
      // Before answer: a 302 to the partner (drachtio collects the caller's ACK).
      caller.res!.send(302, { headers: { Contact: `<${uri}>` } });
      caller.gone = true;
      this.callers.delete(callId);
      await this.releaseLegs(callId);
      return;
    }
    await caller.answering;
    const dialog = caller.dialog;
    if (!dialog || caller.gone) return;
    const outcome = await referCaller(
      dialog,
      { 'Refer-To': `<${uri}>`, 'Referred-By': `<sip:${this.opts.callerId ?? '15'}@localhost>` },
      this.opts.referWaitMs,
    );
    if (outcome.kind === 'refused' && !caller.gone && this.callers.get(callId) === caller) {
      this.opts.logger.warn(
        { callId, partner: f.partnerId, status: outcome.status },
        'partner redirect refused',
      );
      return this.redirectRefused(caller, f);
    }
    // Taken by the partner (or no final word after the wait): this site's part of the call ends.
    await this.releaseCall(callId, caller, true);
  }

  /**
   * The partner did not take the caller (REFER refused): the engine ended the call as redirected,
   * so the caller, still answered and hearing its music, comes back under a new id (redirectFailed),
   * and the engine's hangUp of the old id finds nothing to cut. The old call's recording closes.
   */
  private async redirectRefused(
    caller: Caller,
    f: Extract<Effect, { type: 'redirectToPartner' }>,
  ): Promise<void> {
    const old = caller.callId;
    const callId = returnedCallId(old, (id) => this.callers.has(id));
    this.callers.delete(old);
    caller.callId = callId;
    caller.ours = false;
    caller.joined = false; // the new call's first answer is its own (./answer-on-join.ts)
    this.callers.set(callId, caller);
    await this.recorder?.stop(this.ms, old);
    // What a process taking over reads to find this caller (adoption.ts).
    const ep = caller.ep;
    if (ep)
      void ep
        .api('uuid_setvar', [ep.uuid, `sip_h_${LEG_HEADERS.call}`, encodeURIComponent(callId)])
        .catch(() => {});
    this.report({
      type: 'redirectFailed',
      callId,
      redirectedCallId: old,
      partnerId: f.partnerId,
      line: caller.line,
      callerNumber: caller.number,
      callerName: caller.name,
      queue: f.queueId ?? null,
    });
  }

  private async dialOut(f: Extract<Effect, { type: 'dialOut' }>, sent?: () => void): Promise<void> {
    const { callId, number } = f;
    const uri = (this.opts.outboundUri ?? ((n) => `sip:${n}@trunk`))(number);
    const entry: OutboundCall = { ep: null, dialog: null, agentId: f.agentId, parentCallId: f.parentCallId };
    this.outbound.set(callId, entry);
    // Click-to-dial: the agent's phone rings too, and is bridged with the far end (as on Asterisk).
    if (!f.parentCallId)
      void this.ring(callId, f.agentId, 30, { number }).catch(() =>
        this.legFailed(callId, f.agentId, undefined),
      );
    let ep: FsEndpoint;
    try {
      // A consultation: the caller on music in its conference, the agent to the number's (first).
      if (f.consult && f.parentCallId)
        await this.consultations.start(f.parentCallId, callId, f.agentId, f.music ?? 'default');
      if (this.outbound.get(callId) !== entry) return; // ended meanwhile
      ep = await this.ms!.createEndpoint({
        headers: { [LEG_HEADERS.call]: callId, [LEG_HEADERS.leg]: 'outbound' },
      });
    } catch (err) {
      this.outbound.delete(callId);
      throw err;
    }
    entry.ep = ep;
    if (this.outbound.get(callId) !== entry) {
      await this.destroyQuietly(ep); // ended while FreeSWITCH made the endpoint
      return;
    }
    try {
      const dialog = await this.srf!.createUAC(
        uri,
        { localSdp: ep.local.sdp },
        {
          cbRequest: (_err, req) => {
            entry.uacReq = req;
            // For a process taking over while it rings: its answer is hung up (./late-answer.ts).
            const uac = req ? uacDialogId(req) : null;
            if (uac)
              void ep.api('uuid_setvar', [ep.uuid, UAC_DIALOG_VAR, encodeURIComponent(uac)]).catch(() => {});
            sent?.();
            if (this.outbound.get(callId) !== entry) cancelQuietly(req);
          },
        },
      );
      entry.dialog = dialog;
      if (this.outbound.get(callId) !== entry) {
        // Hung up while it rang (a consultation cancelled) and answered all the same: ended now.
        await this.bye(dialog);
        await this.destroyQuietly(ep);
        return;
      }
      // The called party hung up (as on Asterisk, the end of that outside call). Listened to at
      // once, acted on once FreeSWITCH is updated (destroying the endpoint under ep.modify would
      // leave it waiting for ever).
      let updating = true;
      let hungUp = false;
      const ended = () => {
        void this.destroyQuietly(ep);
        if (this.outbound.delete(callId)) this.report({ type: 'callerHungUp', callId });
      };
      dialog.on('destroy', () => (updating ? (hungUp = true) : ended()));
      void ep.api('uuid_setvar', [ep.uuid, DIALOG_VAR, encodeURIComponent(dialog.id)]).catch(() => {});
      await ep.modify(dialog.remote.sdp);
      updating = false;
      if (hungUp) return ended();
      entry.answered = true;
      if (!f.parentCallId) return await this.bridgeOutside(callId);
      if (f.consult) {
        // The number joins the agent in their own conference; the caller waits on music. Once the
        // caller hung up (kept) it is the agent's own call: nothing more to tell.
        await this.consultations.answered(callId, entry);
        if (entry.parentCallId && this.outbound.get(callId) === entry)
          this.report({ type: 'outsideAnswered', callId });
        return;
      }
      await this.joinParent(f.parentCallId, entry);
      // Told to the engine once the number is with the caller: an outside transfer's agent now
      // leaves (releaseAgent), the caller and the number stay in the call's conference (and its
      // recording); for a conference dial-out nothing changes (as on Asterisk).
      if (this.outbound.get(callId) === entry) this.report({ type: 'outsideAnswered', callId });
    } catch (err) {
      // Already released (hung up while ringing, CANCELled): its end is no news.
      const ours = this.outbound.get(callId) !== entry;
      this.outbound.delete(callId);
      await this.destroyQuietly(ep);
      if (!ours) throw err;
    }
  }

  // ---- releasing ----

  /** Also killed over the inbound event socket: a bridged channel runs no queued hangup (sip-dialogs.ts). */
  private destroyQuietly(ep: FsEndpoint): Promise<void> {
    return destroyQuietly(ep, this.ms);
  }

  private bye(dialog: SrfDialog): Promise<void> {
    return bye(this.srf, dialog);
  }

  /** What the take-over (adoption.ts) needs of this adapter. */
  private get host(): TakeOverHost {
    return {
      srf: this.srf,
      ms: this.ms,
      callers: this.callers,
      legs: this.legs,
      outbound: this.outbound,
      adopted: this.adopted,
      recorder: this.recorder,
      watch: this.watch,
      lateAnswer: (dialogId) => this.lateAnswers.watch(dialogId),
      listenIn: this.listenIn,
      now: this.clock,
      sink: (cmd, at) => this.sink(cmd, at),
      callerGone: (caller) => this.callerGone(caller),
      agentHungUp: (leg) => this.agentHungUp(leg),
      joinThenAnswer: (leg) => this.joinThenAnswer(leg),
      execute: (effect) => this.execute(effect),
      adoptConsultation: (callId, outCallId, agentId) => this.consultations.adopt(callId, outCallId, agentId),
    };
  }

  /** An `api` command on FreeSWITCH's inbound event socket (the fallback records reader); its output. */
  async eslApi(command: string): Promise<string> {
    if (!this.ms) throw new Error('FreeSWITCH not connected');
    return this.ms.api(command);
  }

  /** After drachtio-srf reconnects: callers and agent legs whose dialog drachtio forgot hung up. */
  async readopt(): Promise<{ callersGone: number; legsGone: number }> {
    return readoptCalls(this.host);
  }

  /** Takes over the calls of another process (fail-over, restart): see adoptCalls. */
  async adopt(
    plans: CallPlan[],
    known: { ended?: (callId: string) => boolean } = {},
  ): Promise<DrachtioAdoptionReport> {
    const report = await adoptCalls(this.host, plans, known);
    // Callers this process parked arrive now (their own INVITE answered, their dialog its own).
    this.parking = false;
    for (const caller of [...this.parked]) {
      this.parked.delete(caller);
      if (caller.gone) continue;
      report.arrived += 1;
      this.report({
        type: 'arriveCall',
        callId: caller.callId,
        line: caller.line,
        callerNumber: caller.number,
        callerName: caller.name,
      });
    }
    return report;
  }

  /**
   * Leaving with a successor (src/app/site-pbx.ts): from now on a new caller is answered by
   * FreeSWITCH and held with music, not told (this process no longer leads), so the next leader's
   * take-over finds it on FreeSWITCH and makes it arrive; a caller told but not yet answered is
   * answered the same way, for the take-over to find it.
   */
  park(): void {
    this.parking = true;
    for (const caller of this.callers.values())
      if (!caller.answering && !caller.gone && caller.req) this.parkCaller(caller);
  }

  /** Leaving: drachtio hands this app no new call any more, and every caller parked is on FreeSWITCH. */
  async stopTakingCalls(): Promise<void> {
    let failed: unknown = null;
    if (this.srf) await stopRouting(this.srf).catch((err: unknown) => (failed = err));
    // An INVITE picked before the answer came in ahead of it: its answer is under way, or now.
    // (Whatever drachtio said: the callers being parked are finished before the link closes.)
    await new Promise((resolve) => setImmediate(resolve));
    while (this.parkings.size > 0) await Promise.allSettled([...this.parkings]);
    if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  }

  private parkCaller(caller: Caller): void {
    const parking = this.mediaUp
      .then(() => this.answer(caller))
      .then(() => {
        if (!caller.gone && caller.ep && caller.with.size === 0 && !caller.conference)
          void caller.ep.play(this.music(caller.music ?? 'default')).catch(() => {});
      })
      .catch((err: unknown) =>
        this.opts.logger.warn({ callId: caller.callId, err: String(err) }, 'parking a caller failed'),
      )
      .finally(() => this.parkings.delete(parking));
    this.parkings.add(parking);
  }

  private async endLeg(leg: Leg): Promise<void> {
    leg.ours = true;
    if (leg.timer) clearTimeout(leg.timer);
    const dialog = leg.dialog;
    leg.dialog = null;
    if (dialog) await this.bye(dialog);
    else if (leg.uacReq && !leg.answered) cancelQuietly(leg.uacReq);
    // Never destroyed under its re-INVITE: FreeSWITCH would leave it unanswered, the ring stuck.
    await leg.updating?.catch(() => {});
    if (leg.ep) await this.destroyQuietly(leg.ep);
    leg.ep = null;
  }

  private async releaseLeg(leg: Leg | undefined): Promise<void> {
    if (!leg) return;
    const key = `${leg.callId}|${leg.agentId}`;
    if (this.legs.get(key) === leg) this.legs.delete(key);
    this.callers.get(leg.callId)?.with.delete(leg.agentId);
    firstAnswerSettled(this.callers.get(leg.callId), leg.agentId);
    await this.endLeg(leg);
  }

  private async releaseLegs(callId: string, keep?: string): Promise<void> {
    for (const leg of [...this.legs.values()].filter((l) => l.callId === callId && l.agentId !== keep))
      await this.releaseLeg(leg);
  }

  /**
   * Ends what is left of a call: agent legs (but `keep`'s), the caller's dialog (BYE) and its
   * endpoint.
   */
  private async releaseCall(
    callId: string,
    caller: Caller | undefined,
    byUs = false,
    keep?: string,
  ): Promise<void> {
    await this.releaseLegs(callId, keep);
    const out = this.outbound.get(callId);
    if (out) {
      this.outbound.delete(callId);
      if (out.uacReq && !out.dialog) cancelQuietly(out.uacReq); // still ringing
      await out.dialog?.destroy().catch(() => {});
      await this.recorder?.stop(this.ms, callId); // a click-to-dial's recording (bridgeOutside)
      if (out.ep) await this.destroyQuietly(out.ep);
    }
    if (!caller) return;
    if (byUs) caller.ours = true;
    caller.gone = true;
    this.callers.delete(callId);
    if (!caller.dialog && !caller.answering) {
      if (byUs) caller.res?.send(480);
      return;
    }
    await caller.answering?.catch(() => {});
    if (caller.dialog?.connected) await this.bye(caller.dialog);
    await this.recorder?.stop(this.ms, callId); // stopped while the channel is still there
    if (caller.ep) await this.destroyQuietly(caller.ep);
    caller.ep = null;
  }
}
