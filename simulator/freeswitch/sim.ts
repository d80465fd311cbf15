// The FreeSWITCH lab in one process: a simulated drachtio-server and FreeSWITCH, trunk callers and
// the agents' phones, wired on an in-process SIP network.
import { DrachtioServerSim } from './drachtio-server.js';
import { Phone, TrunkCaller, type CallTimeline, type PhoneSession } from './far-end.js';
import { MediaServerSim } from './media-server.js';
import { parseUri } from './wire.js';

export type SimFsOptions = {
  secret?: string;
  eslPassword?: string;
  stepMs?: number;
  timeScale?: number;
  /** Where the simulated FreeSWITCH writes each stopped recording (by its file name). */
  recordingsDir?: string;
  /** Bridged channels read audio (their far ends send RTP): see MediaServerOptions. */
  bridgeReadsAudio?: boolean;
};

export class SimFs {
  readonly drachtio: DrachtioServerSim;
  readonly media: MediaServerSim;
  readonly secret: string;
  readonly eslPassword: string;
  readonly calls = new Map<string, TrunkCaller>();
  readonly phones = new Map<string, Phone>();
  private nextPort = 5070;
  private nextMedia = 6000;

  constructor(opts: SimFsOptions = {}) {
    this.secret = opts.secret ?? 'cymru';
    this.eslPassword = opts.eslPassword ?? 'ClueCon';
    this.media = new MediaServerSim({
      password: this.eslPassword,
      ...(opts.stepMs !== undefined ? { stepMs: opts.stepMs } : {}),
      ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
      ...(opts.recordingsDir !== undefined ? { recordingsDir: opts.recordingsDir } : {}),
      ...(opts.bridgeReadsAudio ? { bridgeReadsAudio: true } : {}),
      onMediaShared: (ports) => this.mediaShared(ports),
    });
    this.drachtio = new DrachtioServerSim({
      secret: this.secret,
      route: (uri) => {
        const u = parseUri(uri);
        if (u.host === this.media.host && u.port === this.media.port) return this.media;
        return [...this.phones.values()].find((p) => p.user === u.user) ?? null;
      },
    });
    this.media.attach(this.drachtio);
  }

  private ports(): { sip: number; media: number } {
    const p = { sip: this.nextPort, media: this.nextMedia };
    this.nextPort += 2;
    this.nextMedia += 2;
    return p;
  }

  /** A caller dials `line` on the trunk. */
  injectCall(opts: {
    line: string;
    callerNumber?: string;
    callerName?: string;
    withheld?: boolean;
    patienceSec?: number;
    /** The caller's side refuses a REFER (far-end.ts). */
    refusesRefer?: boolean;
  }): CallTimeline {
    const { sip, media } = this.ports();
    const caller = new TrunkCaller(this.drachtio, sip, media, opts, () => {});
    this.calls.set(caller.timeline.callId, caller);
    caller.dial();
    return caller.timeline;
  }

  callerHangup(callId: string): void {
    const c = this.calls.get(callId);
    if (!c) throw new Error(`no call ${callId}`);
    c.hangup('caller');
  }

  /** The caller presses keys; false when FreeSWITCH has no channel for it (not answered, or gone). */
  callerDtmf(callId: string, digits: string): boolean {
    const c = this.calls.get(callId);
    if (!c) throw new Error(`no call ${callId}`);
    return !c.ended && this.media.dtmf(c.mediaPort, digits);
  }

  registerPhone(endpoint: string, session: PhoneSession): Phone {
    if (this.phones.has(endpoint)) throw new Error(`${endpoint} is already registered`);
    const { sip, media } = this.ports();
    const phone = new Phone(this.drachtio, endpoint, sip, media, session, () => this.legEnded(endpoint));
    this.phones.set(endpoint, phone);
    return phone;
  }

  unregisterPhone(endpoint: string): void {
    const p = this.phones.get(endpoint);
    if (!p) return;
    this.phones.delete(endpoint);
    p.dropAll();
  }

  /** Every phone a caller ever shared media with is on its timeline (answered by an agent). */
  private mediaShared(ports: number[]): void {
    const phones = [...this.phones.values()].filter((p) => ports.includes(p.mediaPort));
    for (const c of this.calls.values())
      if (ports.includes(c.mediaPort)) {
        for (const p of phones)
          if (!c.timeline.agents.includes(p.endpoint)) c.timeline.agents.push(p.endpoint);
        if (!c.ended) this.notePhones(c, [...this.phonesNow(c), ...phones.map((p) => p.endpoint)]);
      }
  }

  /** A phone's answered leg ended: it no longer shares media with any caller (one call per phone). */
  private legEnded(endpoint: string): void {
    for (const c of this.calls.values())
      if (!c.ended && this.phonesNow(c).includes(endpoint))
        this.notePhones(
          c,
          this.phonesNow(c).filter((p) => p !== endpoint),
        );
  }

  private phonesNow(c: TrunkCaller): string[] {
    return c.timeline.media.at(-1)?.phones ?? [];
  }

  private notePhones(c: TrunkCaller, phones: string[]): void {
    const next = [...new Set(phones)];
    const now = this.phonesNow(c);
    if (next.length === now.length && next.every((p) => now.includes(p))) return;
    c.timeline.media.push({ atMs: Date.now(), phones: next });
  }

  /** Who the caller hears now: hold music, or the phones it shares media with (ground truth). */
  hears(callId: string): { music: string | null; phones: string[] } {
    const c = this.calls.get(callId);
    if (!c || c.ended) return { music: null, phones: [] };
    const { music, withPorts } = this.media.peersOfMediaPort(c.mediaPort);
    const phones = [...this.phones.values()]
      .filter((p) => withPorts.includes(p.mediaPort))
      .map((p) => p.endpoint);
    for (const p of phones) if (!c.timeline.agents.includes(p)) c.timeline.agents.push(p);
    return { music, phones };
  }

  /**
   * Who is in a FreeSWITCH conference now (ground truth): phones by endpoint, callers as
   * `caller:<sim call id>`; sorted, [] when there is no such conference.
   */
  inConference(name: string): string[] {
    return this.media
      .conferencePorts(name)
      .map((port) => {
        const phone = [...this.phones.values()].find((p) => p.mediaPort === port);
        if (phone) return phone.endpoint;
        const call = [...this.calls.entries()].find(([, c]) => c.mediaPort === port);
        return call ? `caller:${call[0]}` : `port:${port}`;
      })
      .sort();
  }

  /**
   * Listen-ins running on FreeSWITCH (eavesdrop / three_way), by phone: who listens (`listener`), to
   * whose leg (`target`), and whether that phone (`targetHears`) or the party it talks with
   * (`peerHears`: the caller) hears the listener.
   */
  eavesdrops(): {
    listener: string | null;
    target: string | null;
    targetHears: boolean;
    peerHears: boolean;
  }[] {
    const byPort = (port: number) =>
      [...this.phones.values()].find((p) => p.mediaPort === port)?.endpoint ?? null;
    return this.media.eavesdrops().map((e) => ({
      listener: byPort(e.listenerPort),
      target: byPort(e.targetPort),
      targetHears: e.targetHears,
      peerHears: e.peerHears,
    }));
  }

  timeline(callId: string): CallTimeline | undefined {
    const c = this.calls.get(callId);
    if (c) this.hears(callId);
    return c?.timeline;
  }

  /** What is left in the servers: a finished test leaves nothing (no dialog, channel, conference, socket). */
  leftovers(): {
    dialogs: number;
    channels: number;
    conferences: number;
    outboundSockets: number;
    phoneLegs: number;
  } {
    return {
      dialogs: this.drachtio.dialogs.size,
      ...this.media.snapshot(),
      phoneLegs: [...this.phones.values()].reduce((n, p) => n + p.activeLegs, 0),
    };
  }
}
