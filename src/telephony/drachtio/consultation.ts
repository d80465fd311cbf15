// A consultative outside transfer on FreeSWITCH (docs/lrm.md, docs/freeswitch.md; the engine's side
// is src/core/consultation.ts), the same effects as on Asterisk (../ari/consultation.ts). The caller
// never leaves its call's conference (`conferenceOf(callId)`; its recording is on its own channel
// anyway): it stays there alone, hearing its queue's music played to its member (`conference NAME
// play FILE MEMBER`), while the agent's leg moves to the outbound call's own conference
// (`conferenceOf(outCallId)`), where the number joins when it answers. Complete moves the number
// into the caller's conference; conference moves the number and the agent; resume moves the agent
// back; each stops the caller's music (`conference NAME stop all MEMBER`). A member leaves a
// conference by `kick` (its channel stays up, back in its socket application, as a real FreeSWITCH
// 1.10.12 showed) before it joins another. Every step tolerates a leg already gone.
import type { Effect } from '../../core/effects.js';
import type { Logger } from '../../ports/logger.js';
import { conferenceOf, type Caller, type Leg, type OutboundCall } from './call-state.js';
import type { EslEvent, FsEndpoint } from './libs.js';

type ConsultationEffect = Extract<Effect, { type: 'consultation' }>;

/** What the adapter lends to this module (its callers, legs and outside calls). */
export type FsConsultationHost = {
  logger: Logger;
  caller: (callId: string) => Caller | undefined;
  /** The agent's answered leg on this call, if any. */
  leg: (callId: string, agentId: string) => Leg | undefined;
  outbound: (callId: string) => OutboundCall | undefined;
  /** The caller (and the agents with it) into the call's conference, once; its name. */
  toConference: (caller: Caller) => Promise<string>;
  /** The agent's leg on `from` now belongs to the outbound call `to` (its end: the agent hangs up). */
  moveLeg: (from: string, to: string, agentId: string) => void;
  musicFile: (music: string) => string;
};

/** How long a kicked member may take to be out of its conference before it joins another anyway. */
const LEAVE_WAIT_MS = 3000;

type EslConn = {
  on(event: string, fn: (e: EslEvent) => void): void;
  removeListener(event: string, fn: (e: EslEvent) => void): void;
};

export class FsConsultations {
  /** The caller's call id → its running consultation. */
  private readonly running = new Map<string, { outCallId: string; agentId: string }>();
  /**
   * The moves of one caller's consultation, one after the other: its steps come as the caller's
   * call's effects, its start as the outbound call's, which the effect runner may run side by side
   * (a new consultation started while the last one's agent is still rejoining the caller).
   */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly host: FsConsultationHost) {}

  /** Whether this outbound call is a consultation's (its far end joins its own conference). */
  isConsultation(outCallId: string): boolean {
    for (const r of this.running.values()) if (r.outCallId === outCallId) return true;
    return false;
  }

  /** Known again at a take-over (from the engine's plan): nothing is moved. */
  adopt(callId: string, outCallId: string, agentId: string): void {
    this.running.set(callId, { outCallId, agentId });
  }

  /** The agent consulting from this call, if any (its leg outlives the caller: the engine keeps it). */
  agentOf(callId: string): string | undefined {
    return this.running.get(callId)?.agentId;
  }

  /** The dial-out starts: music for the caller in the call's conference, the agent to the consult one. */
  start(callId: string, outCallId: string, agentId: string, music: string): Promise<void> {
    this.running.set(callId, { outCallId, agentId });
    return this.serial(callId, () => this.moveOut(callId, outCallId, agentId, music));
  }

  private serial(callId: string, fn: () => Promise<void>): Promise<void> {
    const done = (this.chains.get(callId) ?? Promise.resolve()).then(fn);
    const next = done.catch(() => undefined);
    this.chains.set(callId, next);
    void next.then(() => {
      if (this.chains.get(callId) === next) this.chains.delete(callId);
    });
    return done;
  }

  private async moveOut(callId: string, outCallId: string, agentId: string, music: string): Promise<void> {
    const caller = this.host.caller(callId);
    await caller?.answering?.catch(() => {});
    if (!caller?.ep || caller.gone) return;
    const leg = this.host.leg(callId, agentId);
    const name = conferenceOf(callId);
    if (caller.conference) {
      if (leg?.ep) await this.leave(leg.ep, caller.conference);
    } else if (leg?.ep && caller.with.has(agentId) && caller.with.size === 1) {
      // Bridged with the agent alone: both park (unbridge), the caller alone into its conference.
      await caller.ep.unbridge().catch(() => {});
      caller.conference = name;
      await caller.ep.join(name);
    } else await this.host.toConference(caller).then((n) => (leg?.ep ? this.leave(leg.ep, n) : undefined));
    caller.with.delete(agentId);
    if (caller.gone || !caller.ep) return;
    const member = caller.ep.conf.memberId;
    if (member !== undefined)
      await caller.ep
        .api('conference', `${caller.conference ?? name} play ${this.host.musicFile(music)} ${member}`)
        .catch((err: Error) =>
          this.host.logger.warn({ callId, err: err?.message }, 'hold music not started'),
        );
    if (leg?.ep) await leg.ep.join(conferenceOf(outCallId));
  }

  /** The number answered: it joins the agent in the consultation's own conference. */
  async answered(outCallId: string, out: OutboundCall): Promise<void> {
    if (out.ep) await out.ep.join(conferenceOf(outCallId));
  }

  step(f: ConsultationEffect): Promise<void> {
    this.running.delete(f.callId);
    return this.serial(f.callId, () => this.move(f));
  }

  private async move(f: ConsultationEffect): Promise<void> {
    if (f.action === 'keep') {
      // The caller is gone: the agent and the number go on in their conference, as a click-to-dial.
      this.host.moveLeg(f.callId, f.outCallId, f.agentId);
      const out = this.host.outbound(f.outCallId);
      if (out) out.parentCallId = null;
      return;
    }
    const caller = this.host.caller(f.callId);
    const there = caller && !caller.gone && caller.ep && caller.conference ? caller : null;
    if (there) await this.stopMusic(there);
    if (f.action === 'drop' || !there) return; // the call is over, or the caller goes back to its queue
    const consult = conferenceOf(f.outCallId);
    const moves: FsEndpoint[] = [];
    if (f.action === 'complete' || f.action === 'conference') {
      const out = this.host.outbound(f.outCallId);
      if (out?.ep) moves.push(out.ep);
    }
    const leg = f.action !== 'complete' ? this.host.leg(f.callId, f.agentId) : undefined;
    if (leg?.ep) moves.push(leg.ep);
    for (const ep of moves) {
      try {
        await this.leave(ep, consult);
        await ep.join(there.conference!);
      } catch (err) {
        this.host.logger.warn(
          { callId: f.callId, uuid: ep.uuid, err: (err as Error)?.message ?? String(err) },
          'consultation: not rejoined',
        );
      }
    }
    if (leg?.ep) there.with.add(f.agentId);
  }

  private async stopMusic(caller: Caller): Promise<void> {
    const ep = caller.ep!;
    const name = caller.conference!;
    const member = await this.memberOf(ep, name);
    if (member === undefined) return;
    await ep.api('conference', `${name} stop all ${member}`).catch(() => undefined); // not playing, or gone
  }

  /**
   * A channel's member id in a conference: the one fsmrf saw it join with, or (a channel adopted
   * from another process: never joined by us) read from `conference NAME list` (id;channel;uuid;…).
   */
  private async memberOf(ep: FsEndpoint, name: string): Promise<number | undefined> {
    if (ep.conf.name === name && ep.conf.memberId !== undefined) return ep.conf.memberId;
    const r = await ep.api('conference', `${name} list`).catch(() => null);
    const body = r?.body ?? r?.getBody?.() ?? '';
    const row = body.split('\n').find((line) => line.split(';')[2] === ep.uuid);
    const id = row ? Number(row.split(';')[0]) : NaN;
    return Number.isInteger(id) ? id : undefined;
  }

  /**
   * Takes a member out of a conference (`kick`: its channel stays up) and waits until it is out
   * (its del-member, on its own event socket): a conference it is sent meanwhile would nest.
   */
  private async leave(ep: FsEndpoint, name: string): Promise<void> {
    const member = ep.conf.name === name ? ep.conf.memberId : undefined;
    if (member === undefined) return;
    const conn = (ep as FsEndpoint & { conn?: EslConn }).conn;
    let listener: ((e: EslEvent) => void) | null = null;
    let timer: NodeJS.Timeout | null = null;
    const out = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, LEAVE_WAIT_MS);
      if (!conn) return;
      listener = (e) => {
        if (e.getHeader('Action') === 'del-member' && e.getHeader('Member-ID') === String(member)) resolve();
      };
      conn.on('esl::event::CUSTOM::*', listener);
    });
    try {
      const r = await ep.api('conference', `${name} kick ${member}`);
      const body = r?.body ?? r?.getBody?.() ?? '';
      if (!/^\+OK/.test(body)) return; // not a member any more (it hung up): nothing to wait for
      await out;
    } finally {
      if (timer) clearTimeout(timer);
      if (conn && listener) conn.removeListener('esl::event::CUSTOM::*', listener);
    }
  }
}
