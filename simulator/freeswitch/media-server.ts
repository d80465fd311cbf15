// A simulated FreeSWITCH 1.10 as drachtio-fsmrf drives it: one SIP profile (drachtio_mrf) reached
// through the simulated drachtio network, the inbound event socket (auth, event json, api) and one
// outbound event-socket connection per channel (the `socket <X-esl-outbound> async full` dialplan).
// Behaviours from ../shared/freeswitch-1.10/README.md: music until uuid_break (PLAYBACK_STOP and
// "FILE PLAYED" ~20 ms later), uuid_bridge ends `socket` on both legs and the sockets stay open,
// unbridge = uuid_transfer -both park inline, hangup from sendmsg → FS sends the BYE, a BYE from the
// app → FS answers and hangs up, conference member ids global to the process, RECORD_START/STOP only
// on the inbound connection.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { basename, join } from 'node:path';
import type { DrachtioServerSim, SipPeer } from './drachtio-server.js';
import {
  EslReader,
  REASONS,
  apiResponse,
  commandReply,
  disconnectNotice,
  eslText,
  eventJson,
  header,
  isResponse,
  methodOf,
  newBranch,
  newTag,
  tagOf,
  type EslMessage,
  type SipMessage,
} from './wire.js';

export type FsChannel = {
  uuid: string;
  callId: string;
  /** drachtio's tag (From of the INVITE) and FreeSWITCH's (To). */
  appTag: string;
  fsTag: string;
  appUri: string;
  fsUri: string;
  cseq: number;
  remoteSdp: string;
  localSdp: string;
  localPort: number;
  eslTarget: string;
  userAgent: string;
  conn: EslConn | null;
  /** Applications running, outermost first (socket, park, playback, conference…), as FreeSWITCH nests them. */
  stack: App[];
  /**
   * Applications sent while something holds the channel (a conference with endconf, an eavesdrop, a
   * bridge): they run when it lets go.
   */
  queued: App[];
  bridgedWith: string | null;
  /** When the current bridge began (its first audio frames). */
  bridgedAt: number;
  conference: { name: string; memberId: number } | null;
  recording: string | null;
  recordingSince: number;
  vars: Record<string, string>;
  createdAt: number;
  hungUp: boolean;
  /** The last application response (the socket application reports it when it ends). */
  lastResponse: string;
};

type App = { name: string; arg: string; eventUuid: string; flags?: string };

/**
 * An `eavesdrop` (or `three_way`) running on a listener's channel, as mod_dptools starts it
 * (switch_ivr_eavesdrop_session): the listener hears the target's read and write streams; with
 * ED_MUX_READ (`eavesdrop_whisper_aleg`) its voice is mixed into what the target sends (heard by the
 * target's peer: the caller), with ED_MUX_WRITE (`eavesdrop_whisper_bleg`) into what the target hears.
 * `three_way` is both. With ED_DTMF (the default; `eavesdrop_enable_dtmf=false` clears it) the
 * listener's keys switch the mix: 1 read, 2 write, 3 both, 0 none, * ends.
 */
type Spy = { listener: string; target: string; app: App; muxRead: boolean; muxWrite: boolean; dtmf: boolean };

/** A WAV file of 8 kHz mono 16-bit PCM with no samples. */
const EMPTY_WAV = (() => {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28); // bytes per second
  b.writeUInt16LE(2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(0, 40);
  return b;
})();

type EslConn = {
  socket: net.Socket;
  events: Set<string>;
  filters: [string, string][];
  uuid: string | null;
  authed: boolean;
  /** Commands of this connection wait behind a stalled one (stallCommands), in order. */
  held?: Promise<void>;
};

export type MediaServerOptions = {
  password: string;
  sipHost?: string;
  sipPort?: number;
  /** Delay of FreeSWITCH's asynchronous steps (events after a command), ms. */
  stepMs?: number;
  /** Multiplies every delay (a replay at 0.1 runs ten times faster than recorded). */
  timeScale?: number;
  recordingsDir?: string;
  /**
   * Whether bridged channels read audio (their far ends send RTP). A bridge runs an application it is
   * sent only between the audio frames it reads, after the first 10 (switch_ivr_bridge.c
   * audio_bridge_thread): with RTP it runs (as in the recordings), without it is held until the
   * bridge ends (as on our lab, where the far ends sent none). Default false: the adapter must cope.
   */
  bridgeReadsAudio?: boolean;
  /** Ground truth: channels (by the media port of their far end) that now share media. */
  onMediaShared?: (remotePorts: number[]) => void;
};

export class MediaServerSim implements SipPeer {
  readonly host: string;
  readonly port: number;
  readonly channels = new Map<string, FsChannel>();
  readonly conferences = new Map<
    string,
    {
      uuid: string;
      members: Map<number, string>;
      floor: number | null;
      /** Files played to one member (`conference NAME play FILE MEMBER`), by member id. */
      memberFiles?: Map<number, string>;
    }
  >();
  private readonly spies = new Map<string, Spy>(); // by listener uuid
  /** mod_db's data: realm → key → value. */
  readonly db = new Map<string, Map<string, string>>();
  private readonly inbound = new Set<EslConn>();
  private readonly outbound = new Set<EslConn>();
  private readonly server = net.createServer((s) => this.onInbound(s));
  private nextMember = 1;
  private destroyed: (() => void) | null = null;
  private seq = 1000;
  private nextPort = 20000;
  private readonly coreUuid = randomUUID();
  private drachtio!: DrachtioServerSim;
  private readonly stepMs: number;
  private readonly timeScale: number;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly opts: MediaServerOptions) {
    this.host = opts.sipHost ?? '127.0.0.1';
    this.port = opts.sipPort ?? 5080;
    this.stepMs = opts.stepMs ?? 5;
    this.timeScale = opts.timeScale ?? 1;
  }

  attach(drachtio: DrachtioServerSim): void {
    this.drachtio = drachtio;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    this.heartbeat = setInterval(() => this.broadcastInbound(this.heartbeatEvent()), 20_000);
    this.heartbeat.unref();
    return new Promise((resolve) =>
      this.server.listen(port, host, () => resolve((this.server.address() as net.AddressInfo).port)),
    );
  }

  close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of [...this.inbound, ...this.outbound]) c.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Cuts the inbound event-socket connections (a network blip, `fsctl shutdown` of mod_event_socket
   * then back) while still listening: the clients may connect again. Channels and their outbound
   * sockets stay.
   */
  dropInbound(): number {
    const cut = [...this.inbound];
    for (const c of cut) c.socket.destroy();
    return cut.length;
  }

  /** FreeSWITCH's own delays (20 ms from a command to its events…), scaled with the clock of a replay. */
  private later(fn: () => void, ms = this.stepMs): void {
    setTimeout(fn, ms * this.timeScale);
  }

  // ---- SIP (the drachtio_mrf profile) ----

  receive(m: SipMessage): void {
    if (isResponse(m)) {
      // Answers to our BYEs: nothing more to do.
      return;
    }
    const method = methodOf(m);
    const callId = header(m, 'Call-ID') ?? '';
    const ch = [...this.channels.values()].find((c) => c.callId === callId);
    if (method === 'INVITE' && !tagOf(header(m, 'To'))) {
      this.newChannel(m);
      return;
    }
    if (!ch) {
      if (method !== 'ACK') this.reply(m, 481);
      return;
    }
    if (method === 'ACK') {
      if (m.body) ch.remoteSdp = m.body;
      // 3pcc: the outbound socket opens only after the ACK.
      if (!ch.conn && !ch.hungUp) this.later(() => this.openOutbound(ch), 4);
      return;
    }
    if (method === 'INVITE') {
      if (m.body) ch.remoteSdp = m.body;
      this.reply(m, 200, ch.fsTag, ch.localSdp);
      return;
    }
    if (method === 'BYE') {
      this.reply(m, 200, ch.fsTag);
      this.hangup(ch, 'NORMAL_CLEARING', false);
      return;
    }
    this.reply(m, 200, ch.fsTag);
  }

  private reply(req: SipMessage, status: number, toTag?: string, sdp?: string): void {
    const to = header(req, 'To') ?? '';
    const r: SipMessage = {
      first: `SIP/2.0 ${status} ${REASONS[status] ?? 'OK'}`,
      headers: [
        ['Via', header(req, 'Via') ?? ''],
        ['From', header(req, 'From') ?? ''],
        ['To', toTag && !tagOf(to) ? `${to};tag=${toTag}` : to],
        ['Call-ID', header(req, 'Call-ID') ?? ''],
        ['CSeq', header(req, 'CSeq') ?? ''],
        ['Contact', `<sip:drachtio@${this.host}:${this.port};transport=udp>`],
        ['User-Agent', 'sas-acd sim FreeSWITCH'],
        ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, REGISTER, REFER, NOTIFY'],
      ],
      body: sdp ?? '',
    };
    if (sdp) r.headers.push(['Content-Type', 'application/sdp']);
    this.drachtio.fromPeer(this, r);
  }

  private sdp(port: number): string {
    const id = Math.floor(Math.random() * 1e9);
    return `v=0\r\no=FreeSWITCH ${id} ${id + 1} IN IP4 ${this.host}\r\ns=FreeSWITCH\r\nc=IN IP4 ${this.host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n`;
  }

  private newChannel(m: SipMessage): void {
    const ua = header(m, 'User-Agent') ?? '';
    const target = header(m, 'X-esl-outbound') ?? '';
    if (!ua.startsWith('drachtio-fsmrf:') || !target) {
      // The dialplan only takes fsmrf's calls.
      this.reply(m, 404, newTag());
      return;
    }
    const port = this.nextPort;
    this.nextPort += 2;
    const ch: FsChannel = {
      uuid: randomUUID(),
      callId: header(m, 'Call-ID') ?? '',
      appTag: tagOf(header(m, 'From')) ?? '',
      fsTag: newTag(),
      appUri: (header(m, 'From') ?? '').replace(/;tag=[^;>\s]+/, ''),
      fsUri: (header(m, 'To') ?? '').replace(/;tag=[^;>\s]+/, ''),
      cseq: Number((header(m, 'CSeq') ?? '1').split(' ')[0]),
      remoteSdp: m.body,
      localSdp: this.sdp(port),
      localPort: port,
      eslTarget: target,
      userAgent: ua,
      conn: null,
      stack: [],
      queued: [],
      bridgedWith: null,
      bridgedAt: 0,
      conference: null,
      recording: null,
      recordingSince: 0,
      vars: {},
      createdAt: Date.now(),
      hungUp: false,
      lastResponse: '_none_',
    };
    // FreeSWITCH keeps every X- header of the INVITE as a channel variable (sip_h_X-…).
    for (const [name, value] of m.headers) if (/^X-/i.test(name)) ch.vars[`sip_h_${name}`] = value;
    this.channels.set(ch.uuid, ch);
    if (m.body) {
      // Caller SDP in the INVITE: the socket connects as FS answers, before the app sees the 200.
      this.openOutbound(ch);
      this.later(() => this.reply(m, 200, ch.fsTag, ch.localSdp), 2);
    } else this.reply(m, 200, ch.fsTag, ch.localSdp);
  }

  /**
   * FS hangs up a channel. From a hangup application: COMPLETE hangup, then what was running unwinds
   * (PLAYBACK_STOP, COMPLETE playback, park, socket), CHANNEL_CALLSTATE HANGUP, disconnect-notice, and
   * FS sends the BYE. From the app's BYE: the same, without a BYE. A conference member's socket closes
   * before the conference hears it left.
   */
  private hangup(ch: FsChannel, cause: string, sendBye: boolean, app?: App): void {
    if (ch.hungUp) return;
    ch.hungUp = true;
    if (ch.bridgedWith) {
      // park_after_bridge: the other leg parks, and hears nothing about it; what it was sent runs.
      const other = this.channels.get(ch.bridgedWith);
      ch.bridgedWith = null;
      if (other) {
        other.bridgedWith = null;
        this.unbridged(other);
      }
    }
    if (app) this.emit(ch, 'CHANNEL_EXECUTE_COMPLETE', this.appHeaders(app, '_none_'));
    // Its listeners' eavesdrop loops end (the target is no longer up); their channels stay.
    for (const spy of [...this.spies.values()].filter((x) => x.target === ch.uuid)) this.endSpy(spy);
    const inConference = ch.conference !== null;
    if (!inConference) {
      while (ch.stack.length > 0) this.unwind(ch);
      this.emit(ch, 'CHANNEL_CALLSTATE', {
        'Channel-Call-State': 'HANGUP',
        'Original-Channel-Call-State': 'ACTIVE',
        'Hangup-Cause': cause,
      });
    }
    if (ch.recording) this.stopRecording(ch);
    // The last member gone: the conference is destroyed before this socket closes.
    this.destroyed?.();
    const conn = ch.conn;
    if (conn) {
      this.write(conn, disconnectNotice(ch.uuid));
      conn.socket.end();
      ch.conn = null;
    }
    if (inConference) this.leaveConference(ch);
    this.channels.delete(ch.uuid);
    if (sendBye) {
      const bye: SipMessage = {
        first: `BYE sip:${this.drachtioHostport()} SIP/2.0`,
        headers: [
          ['Via', `SIP/2.0/UDP ${this.host}:${this.port};rport=${this.port};branch=${newBranch()}`],
          ['Max-Forwards', '70'],
          ['From', `${ch.fsUri};tag=${ch.fsTag}`],
          ['To', `${ch.appUri};tag=${ch.appTag}`],
          ['Call-ID', ch.callId],
          ['CSeq', `${++ch.cseq + 1} BYE`],
          ['Reason', `Q.850;cause=16;text="${cause}"`],
        ],
        body: '',
      };
      this.later(() => this.drachtio.fromPeer(this, bye), 10);
    }
  }

  /** A bridge let go of a live channel (park_after_bridge): the applications it held run now. */
  private unbridged(ch: FsChannel): void {
    const queued = ch.queued.splice(0);
    if (queued.length > 0) this.later(() => queued.forEach((q) => this.execute(ch, q)), 0);
  }

  private appHeaders(app: App, response: string): Record<string, string> {
    return {
      Application: app.name,
      'Application-Data': app.arg,
      'Application-UUID': app.eventUuid,
      'Application-Response': response,
    };
  }

  /** The innermost running application ends (CHANNEL_EXECUTE_COMPLETE); a playback stops first. */
  private unwind(ch: FsChannel, response?: string): App | undefined {
    const app = ch.stack.pop();
    if (!app) return undefined;
    if (this.spies.get(ch.uuid)?.app === app) {
      this.spies.delete(ch.uuid);
      const queued = ch.queued.splice(0);
      if (queued.length > 0) this.later(() => queued.forEach((q) => this.execute(ch, q)), 0);
    }
    if (app.name === 'playback') {
      this.emit(ch, 'PLAYBACK_STOP', { 'Playback-File-Path': app.arg, 'Playback-Status': 'break' });
      ch.lastResponse = 'FILE PLAYED';
    }
    const r =
      response ??
      (app.name === 'playback' ? 'FILE PLAYED' : app.name === 'socket' ? ch.lastResponse : '_none_');
    this.emit(ch, 'CHANNEL_EXECUTE_COMPLETE', this.appHeaders(app, r));
    return app;
  }

  private drachtioHostport(): string {
    return '127.0.0.1:5060';
  }

  // ---- event socket ----

  /**
   * A test's switch for a slow FreeSWITCH: a command it returns a promise for (e.g. `api
   * uuid_bridge …`) is carried out once that promise resolves, and the later commands of the same
   * connection wait behind it (replies stay in order, as on one real event socket).
   */
  stallCommands: ((command: string) => Promise<void> | null) | null = null;

  private serve(conn: EslConn, m: EslMessage, run: () => void): void {
    const gate = this.stallCommands?.(m.command) ?? null;
    if (!conn.held && !gate) return run();
    const mine = (conn.held ?? Promise.resolve()).then(async () => {
      if (gate) await gate;
      if (!conn.socket.destroyed) run();
    });
    conn.held = mine;
    void mine.then(() => {
      if (conn.held === mine) conn.held = undefined;
    });
  }

  private write(conn: EslConn, text: string): void {
    if (!conn.socket.destroyed && conn.socket.writable) conn.socket.write(text);
  }

  private onInbound(socket: net.Socket): void {
    const conn: EslConn = { socket, events: new Set(), filters: [], uuid: null, authed: false };
    this.inbound.add(conn);
    const reader = new EslReader();
    socket.on('data', (chunk) => {
      for (const m of reader.push(chunk)) this.serve(conn, m, () => this.onInboundCommand(conn, m));
    });
    socket.on('error', () => {});
    socket.on('close', () => this.inbound.delete(conn));
    this.write(conn, eslText({ 'Content-Type': 'auth/request' }));
  }

  private onInboundCommand(conn: EslConn, m: EslMessage): void {
    const [verb = '', ...rest] = m.command.split(' ');
    if (!conn.authed) {
      if (verb === 'auth' && rest.join(' ') === this.opts.password) {
        conn.authed = true;
        this.write(conn, commandReply('+OK accepted'));
      } else {
        this.write(conn, commandReply('-ERR invalid'));
        this.write(conn, disconnectNotice());
        conn.socket.end();
      }
      return;
    }
    this.common(conn, verb, rest, m);
  }

  private common(conn: EslConn, verb: string, rest: string[], m: EslMessage): void {
    switch (verb) {
      case 'event':
        for (const e of rest.slice(1)) conn.events.add(e);
        this.write(conn, commandReply(`+OK event listener enabled ${rest[0] ?? 'plain'}`));
        return;
      case 'filter':
        conn.filters.push([rest[0] ?? '', rest.slice(1).join(' ')]);
        this.write(conn, commandReply(`+OK filter added. [${rest[0]}]=[${rest.slice(1).join(' ')}]`));
        return;
      case 'api':
        this.write(conn, apiResponse(this.api(rest[0] ?? '', rest.slice(1))));
        return;
      case 'bgapi': {
        const job = randomUUID();
        this.write(
          conn,
          eslText({ 'Content-Type': 'command/reply', 'Reply-Text': `+OK Job-UUID: ${job}`, 'Job-UUID': job }),
        );
        const body = this.api(rest[0] ?? '', rest.slice(1));
        this.later(() =>
          this.sendEvent(conn, {
            ...this.base('BACKGROUND_JOB'),
            'Job-UUID': job,
            'Job-Command': rest[0] ?? '',
            _body: body,
          }),
        );
        return;
      }
      case 'sendmsg':
        this.sendmsg(conn, rest[0] ?? conn.uuid ?? '', m.headers);
        return;
      case 'exit':
        this.write(conn, commandReply('+OK bye'));
        this.write(conn, disconnectNotice());
        conn.socket.end();
        return;
      default:
        this.write(conn, commandReply('-ERR command not found'));
    }
  }

  private openOutbound(ch: FsChannel): void {
    const [host = '127.0.0.1', port = '8085'] = ch.eslTarget.split(':');
    const socket = net.connect({ host, port: Number(port) });
    const conn: EslConn = { socket, events: new Set(), filters: [], uuid: ch.uuid, authed: true };
    ch.conn = conn;
    this.outbound.add(conn);
    ch.stack = [{ name: 'socket', arg: `${ch.eslTarget} async full`, eventUuid: '' }];
    const reader = new EslReader();
    socket.on('data', (chunk) => {
      for (const m of reader.push(chunk)) {
        if (m.command === 'connect') this.write(conn, this.channelData(ch));
        else {
          const [verb = '', ...rest] = m.command.split(' ');
          this.serve(conn, m, () => this.common(conn, verb, rest, m));
        }
      }
    });
    socket.on('error', () => {});
    // The app going away does not hang up the channel (music keeps playing).
    socket.on('close', () => {
      this.outbound.delete(conn);
      if (ch.conn === conn) ch.conn = null;
    });
  }

  private channelData(ch: FsChannel): string {
    // The channel's headers URL-encoded, then the reply's own (Reply-Text encoded too, as recorded).
    const h = { 'Event-Name': 'CHANNEL_DATA', ...this.channelHeaders(ch) };
    const lines = Object.entries(h).map(([k, v]) => `${k}: ${encodeURIComponent(v)}`);
    lines.push('Content-Type: command/reply', 'Reply-Text: %2BOK%0A', 'Socket-Mode: async', 'Control: full');
    return `${lines.join('\n')}\n\n`;
  }

  private channelHeaders(ch: FsChannel): Record<string, string> {
    return {
      'Core-UUID': this.coreUuid,
      'FreeSWITCH-Hostname': 'sim',
      'FreeSWITCH-IPv4': this.host,
      'Channel-State': 'CS_EXECUTE',
      'Channel-Call-State': 'ACTIVE',
      'Channel-Name': `sofia/drachtio_mrf/nobody@${this.drachtioHostport()}`,
      'Channel-Unique-ID': ch.uuid,
      'Unique-ID': ch.uuid,
      'Call-Direction': 'inbound',
      'Answer-State': 'answered',
      variable_uuid: ch.uuid,
      variable_sip_call_id: ch.callId,
      variable_sip_from_tag: ch.appTag,
      variable_sip_user_agent: ch.userAgent,
      'variable_sip_h_X-esl-outbound': ch.eslTarget,
      variable_switch_r_sdp: ch.remoteSdp,
      variable_rtp_local_sdp_str: ch.localSdp,
      variable_local_media_ip: this.host,
      variable_local_media_port: String(ch.localPort),
      variable_remote_media_ip: /c=IN IP4 (\S+)/.exec(ch.remoteSdp)?.[1] ?? '',
      variable_remote_media_port: /m=audio (\d+)/.exec(ch.remoteSdp)?.[1] ?? '',
      variable_dtmf_type: 'info',
      variable_hangup_after_bridge: 'false',
      variable_park_after_bridge: 'true',
      variable_playback_terminators: 'none',
      // As the real one: the partner's uuid while uuid_bridged, gone once unbridged (lab, 1.10.12).
      ...(ch.bridgedWith ? { variable_bridge_to: ch.bridgedWith } : {}),
      ...Object.fromEntries(Object.entries(ch.vars).map(([k, v]) => [`variable_${k}`, v])),
    };
  }

  private base(name: string): Record<string, string> {
    return {
      'Event-Name': name,
      'Core-UUID': this.coreUuid,
      'FreeSWITCH-Hostname': 'sim',
      'FreeSWITCH-IPv4': this.host,
      'Event-Date-Timestamp': String(Date.now() * 1000),
      'Event-Sequence': String(++this.seq),
    };
  }

  /** An event of a channel: to its outbound socket (if subscribed) and to matching inbound listeners. */
  private emit(ch: FsChannel, name: string, extra: Record<string, string>): void {
    const e = { ...this.base(name), ...this.channelHeaders(ch), ...extra };
    if (ch.conn) this.sendEvent(ch.conn, e);
    for (const c of this.inbound) this.sendEvent(c, e);
  }

  private sendEvent(conn: EslConn, e: Record<string, string>): void {
    const name = e['Event-Name']!;
    const key = name === 'CUSTOM' ? `CUSTOM ${e['Event-Subclass']}` : name;
    const wanted =
      conn.events.has('ALL') ||
      conn.events.has(name) ||
      conn.events.has(key) ||
      (name === 'CUSTOM' && [...conn.events].some((x) => x === e['Event-Subclass'])) ||
      (name.startsWith('PLAYBACK_') && conn.events.has(`SWITCH_EVENT_${name}`));
    // fsmrf subscribes SWITCH_EVENT_PLAYBACK_*, which FreeSWITCH takes as PLAYBACK_*.
    if (!wanted) return;
    if (conn.filters.length > 0 && !conn.filters.some(([k, v]) => e[k] === v)) return;
    const { _body, ...headers } = e;
    if (_body !== undefined) {
      this.write(conn, eventJson({ ...headers, _body }));
      return;
    }
    this.write(conn, eventJson(headers));
  }

  private broadcastInbound(e: Record<string, string>): void {
    for (const c of this.inbound) this.sendEvent(c, e);
  }

  private heartbeatEvent(): Record<string, string> {
    return {
      ...this.base('HEARTBEAT'),
      'Session-Count': String(this.channels.size),
      'Max-Sessions': '1000',
      'Session-Per-Sec': '30',
      'Idle-CPU': '99.0',
      'FreeSWITCH-Version': '1.10.12-release~64bit',
    };
  }

  // ---- applications ----

  private sendmsg(conn: EslConn, uuid: string, h: Record<string, string>): void {
    const ch = this.channels.get(uuid);
    if (!ch) {
      this.write(conn, commandReply('-ERR invalid session id [' + uuid + ']'));
      return;
    }
    this.write(conn, commandReply('+OK'));
    if (h['call-command'] !== 'execute') return;
    const app: App = {
      name: h['execute-app-name'] ?? '',
      arg: h['execute-app-arg'] ?? '',
      eventUuid: h['Event-UUID'] ?? randomUUID(),
    };
    if (this.holds(ch)) {
      ch.queued.push(app);
      return;
    }
    // A bridge reading audio runs it after its first 10 frames (20 ms each).
    const lead = ch.bridgedWith ? ch.bridgedAt + 200 * this.timeScale - Date.now() : 0;
    this.later(
      () => {
        // Bridged meanwhile (the application was still queued when uuid_bridge came): held too.
        if (this.holds(ch)) ch.queued.push(app);
        else this.execute(ch, app);
      },
      Math.max(20, lead / this.timeScale),
    );
  }

  /**
   * Whether what runs on the channel holds an application it is sent: a conference with endconf, an
   * eavesdrop loop, or a bridge that reads no audio (as a real FreeSWITCH 1.10.12 showed): it waits
   * until that ends (conf.destroy, ep.destroy hang meanwhile).
   */
  private holds(ch: FsChannel): boolean {
    const top = ch.stack.at(-1);
    return (
      (top?.name === 'conference' && !!top.flags?.includes('endconf')) ||
      top?.name === 'eavesdrop' ||
      top?.name === 'three_way' ||
      (!!ch.bridgedWith && !this.opts.bridgeReadsAudio)
    );
  }

  private execute(ch: FsChannel, app: App): void {
    if (ch.hungUp) return;
    this.emit(ch, 'CHANNEL_EXECUTE', {
      Application: app.name,
      'Application-Data': app.arg,
      'Application-UUID': app.eventUuid,
    });
    switch (app.name) {
      case 'playback': {
        ch.stack.push(app);
        this.emit(ch, 'PLAYBACK_START', { 'Playback-File-Path': app.arg });
        if (!/^(local_stream|tone_stream):\/\//.test(app.arg)) {
          // A file: a short prompt that ends by itself.
          this.later(() => {
            if (ch.stack.at(-1) === app) this.unwind(ch);
          }, 200);
        }
        return;
      }
      case 'hangup':
        this.hangup(ch, app.arg || 'NORMAL_CLEARING', true, app);
        return;
      case 'park':
        ch.stack.push(app);
        return;
      case 'conference':
        this.joinConference(ch, app);
        return;
      case 'set':
      case 'export': {
        const [k = '', ...v] = app.arg.split('=');
        ch.vars[k] = v.join('=');
        break;
      }
      case 'multiset': {
        // "^^<sep><k>=<v><sep>…" (fsmrf's ep.set with several variables: "^^^k=v^k2=v2")
        const m = /^\^\^(.)(.*)$/s.exec(app.arg);
        const pairs = m ? m[2]!.split(m[1]!) : app.arg.split(' ');
        for (const pair of pairs) {
          const [k = '', ...v] = pair.split('=');
          if (k) ch.vars[k] = v.join('=');
        }
        break;
      }
      case 'record_session':
        this.startRecording(ch, app.arg.split(' ')[0] ?? '');
        break;
      case 'eavesdrop':
      case 'three_way':
        if (this.eavesdrop(ch, app)) return;
        break;
      default:
        break;
    }
    this.emit(ch, 'CHANNEL_EXECUTE_COMPLETE', this.appHeaders(app, '_none_'));
  }

  /** Starts an eavesdrop; false when the target is not there (FreeSWITCH: "Eavesdrop target invalid"). */
  private eavesdrop(ch: FsChannel, app: App): boolean {
    const target = this.channels.get(app.arg.trim());
    if (!target || target === ch || target.hungUp) return false;
    const on = (v: string | undefined) => /^(true|yes|on|1|enabled|active|allow)$/i.test(v ?? '');
    const three = app.name === 'three_way';
    const dtmfVar = ch.vars.eavesdrop_enable_dtmf;
    ch.stack.push(app);
    this.spies.set(ch.uuid, {
      listener: ch.uuid,
      target: target.uuid,
      app,
      muxRead: three || on(ch.vars.eavesdrop_whisper_aleg),
      muxWrite: three || on(ch.vars.eavesdrop_whisper_bleg),
      dtmf: !three && (dtmfVar === undefined || on(dtmfVar)),
    });
    return true;
  }

  private endSpy(spy: Spy): void {
    this.spies.delete(spy.listener);
    const l = this.channels.get(spy.listener);
    if (l && !l.hungUp && l.stack.at(-1) === spy.app) this.later(() => this.unwind(l), 0);
  }

  /** The listener's key while eavesdropping with ED_DTMF (switch_ivr_eavesdrop_session). */
  private eavesdropKey(ch: FsChannel, digit: string): void {
    const spy = this.spies.get(ch.uuid);
    if (!spy?.dtmf) return;
    if (digit === '*') return this.endSpy(spy);
    const mix: Record<string, [boolean, boolean]> = {
      '0': [false, false],
      '1': [true, false],
      '2': [false, true],
      '3': [true, true],
    };
    const m = mix[digit];
    if (m) [spy.muxRead, spy.muxWrite] = m;
  }

  /**
   * Eavesdrops running now, with the far ends' media ports (ground truth): who listens to whom, and
   * whether the target's far end (`targetHears`) or the target's peer (`peerHears`) hears the listener.
   */
  eavesdrops(): { listenerPort: number; targetPort: number; targetHears: boolean; peerHears: boolean }[] {
    return [...this.spies.values()].flatMap((s) => {
      const l = this.channels.get(s.listener);
      const t = this.channels.get(s.target);
      return l && t
        ? [
            {
              listenerPort: remotePort(l),
              targetPort: remotePort(t),
              targetHears: s.muxWrite,
              peerHears: s.muxRead,
            },
          ]
        : [];
    });
  }

  private stopPlayback(ch: FsChannel): void {
    if (ch.stack.at(-1)?.name === 'playback') this.unwind(ch);
  }

  private joinConference(ch: FsChannel, app: App): void {
    const confName = app.arg.split(/[+@]/)[0]!;
    const flags = /flags\{([^}]*)\}/.exec(app.arg)?.[1] ?? '';
    let conf = this.conferences.get(confName);
    const first = !conf;
    if (!conf) {
      conf = { uuid: randomUUID(), members: new Map(), floor: null };
      this.conferences.set(confName, conf);
    }
    const memberId = this.nextMember++;
    conf.members.set(memberId, ch.uuid);
    ch.stack.push({ ...app, flags });
    ch.conference = { name: confName, memberId };
    this.confEvent(confName, ch, 'add-member', memberId);
    this.opts.onMediaShared?.(
      [...conf.members.values()].map((u) => this.channels.get(u)).flatMap((c) => (c ? [remotePort(c)] : [])),
    );
    if (first) {
      conf.floor = memberId;
      this.later(() => this.confEvent(confName, ch, 'floor-change', memberId), 20);
    }
  }

  private confEvent(name: string, ch: FsChannel | null, action: string, memberId?: number): void {
    const conf = this.conferences.get(name);
    if (!conf) return;
    this.confBroadcast(name, conf.uuid, conf.members.size, action, ch, memberId);
  }

  private confBroadcast(
    name: string,
    uuid: string,
    size: number,
    action: string,
    ch: FsChannel | null,
    memberId?: number,
  ): void {
    const e: Record<string, string> = {
      ...this.base('CUSTOM'),
      'Event-Subclass': 'conference::maintenance',
      'Conference-Name': name,
      'Conference-Unique-ID': uuid,
      'Conference-Size': String(size),
      Action: action,
      ...(memberId !== undefined ? { 'Member-ID': String(memberId) } : {}),
      ...(ch ? this.channelHeaders(ch) : {}),
    };
    for (const c of [...this.outbound, ...this.inbound]) this.sendEvent(c, e);
  }

  /** A member leaves (kicked, hung up): conference events, its conference application ends, queued ones run. */
  private leaveConference(ch: FsChannel, action?: string): void {
    if (!ch.conference) return;
    const { name, memberId } = ch.conference;
    const conf = this.conferences.get(name);
    ch.conference = null;
    if (!conf) return;
    if (action) this.confEvent(name, ch, action, memberId);
    conf.members.delete(memberId);
    conf.memberFiles?.delete(memberId); // a member's files end with it
    if (conf.floor === memberId) {
      conf.floor = null;
      this.confBroadcast(name, conf.uuid, conf.members.size, 'floor-change', null);
    }
    this.confEvent(name, ch, 'del-member', memberId);
    if (!ch.hungUp && ch.stack.at(-1)?.name === 'conference') this.unwind(ch, '_none_');
    if (conf.members.size === 0) {
      this.conferences.delete(name);
      this.destroyed = () => {
        this.destroyed = null;
        this.confBroadcast(name, conf.uuid, 0, 'conference-destroy', null);
      };
    }
    for (const app of ch.queued.splice(0)) if (!ch.hungUp) this.execute(ch, app);
    this.destroyed?.();
  }

  /** The recordings running now (file paths), for tests: none once every call ended. */
  liveRecordings(): string[] {
    return [...this.channels.values()].flatMap((c) => (c.recording ? [c.recording] : []));
  }

  private startRecording(ch: FsChannel, path: string): void {
    ch.recording = path;
    ch.recordingSince = Date.now();
    this.emit(ch, 'RECORD_START', { 'Record-File-Path': path });
  }

  private stopRecording(ch: FsChannel): void {
    const path = ch.recording;
    ch.recording = null;
    // As FreeSWITCH: the length written (record_ms) is a channel variable by the time RECORD_STOP goes.
    ch.vars.record_ms = String(Date.now() - ch.recordingSince);
    const e = { ...this.base('RECORD_STOP'), ...this.channelHeaders(ch), 'Record-File-Path': path ?? '' };
    // The file, under recordingsDir (by its name): a WAV header and no samples (no media here).
    // Closed before RECORD_STOP goes, as FreeSWITCH does.
    if (this.opts.recordingsDir && path)
      try {
        writeFileSync(join(this.opts.recordingsDir, basename(path)), EMPTY_WAV);
      } catch {
        // a directory that is not there: no file, as FreeSWITCH
      }
    for (const c of this.inbound) this.sendEvent(c, e);
  }

  // ---- api ----

  private api(cmd: string, args: string[]): string {
    const ch = (id?: string) => (id ? this.channels.get(id) : undefined);
    switch (cmd) {
      case 'sofia':
        return [
          '                     Name\t   Type\t                                      Data\tState',
          '=================================================================================================',
          `             drachtio_mrf\tprofile\t              sip:mod_sofia@${this.host}:${this.port}\tRUNNING (0)`,
          '=================================================================================================',
          '1 profile 0 aliases',
          '',
        ].join('\n');
      case 'status':
        return `UP 0 years, 0 days\n${this.channels.size} session(s)\n`;
      case 'uuid_exists':
        return ch(args[0]) ? 'true' : 'false';
      case 'uuid_set_media_stats':
        return '+OK:\n';
      case 'uuid_setvar': {
        const c = ch(args[0]);
        if (!c) return '-ERR No such channel!\n';
        if (!args[1]) return '-USAGE: <uuid> <var> [value]\n';
        c.vars[args[1]] = args.slice(2).join(' ');
        return '+OK\n';
      }
      case 'uuid_dump': {
        const c = ch(args[0]);
        if (!c) return '-ERR No such channel!\n';
        if (args[1] === 'json')
          return JSON.stringify({ 'Event-Name': 'CHANNEL_DATA', ...this.channelHeaders(c) });
        return `${Object.entries({ 'Event-Name': 'CHANNEL_DATA', ...this.channelHeaders(c) })
          .map(([k, v]) => `${k}: ${encodeURIComponent(v)}`)
          .join('\n')}\n\n`;
      }
      case 'uuid_break': {
        const c = ch(args[0]);
        if (!c) return '-ERR no such channel\n';
        this.later(() => this.stopPlayback(c), 20);
        return '+OK\n';
      }
      case 'uuid_kill': {
        const c = ch(args[0]);
        if (!c) return '-ERR No such channel!\n';
        this.later(() => this.hangup(c, args[1] ?? 'NORMAL_CLEARING', true));
        return '+OK\n';
      }
      case 'uuid_bridge': {
        const a = ch(args[0]);
        const b = ch(args[1]);
        if (!a || !b) return '-ERR Invalid uuid\n';
        this.bridge(a, b);
        return `+OK ${b.uuid}\n`;
      }
      case 'uuid_transfer': {
        const a = ch(args[0]);
        if (!a) return '-ERR No such channel!\n';
        const legs = args[1] === '-both' && a.bridgedWith ? [a, ch(a.bridgedWith)!] : [a];
        // park_after_bridge: a leg left alone in a bridge parks, silently.
        const other = a.bridgedWith ? ch(a.bridgedWith) : undefined;
        if (other) other.bridgedWith = null;
        for (const l of legs) l.bridgedWith = null;
        if (other && !legs.includes(other)) this.unbridged(other);
        const dest = args[1] === '-both' || args[1] === '-bleg' ? args[2] : args[1];
        if (dest && dest !== 'park' && args.includes('inline')) {
          // An inline dialplan ("playback:local_stream://default", "conference:name"): what runs ends first.
          this.later(() => {
            this.transferInline(a, dest);
            this.unbridged(a);
          }, 20);
          return '+OK\n';
        }
        // Each leg rings and parks; the other leg's events come some 30 ms after the first's.
        legs.forEach((l, i) =>
          this.later(
            () => {
              if (l.hungUp) return;
              this.emit(l, 'CHANNEL_CALLSTATE', { 'Channel-Call-State': 'RINGING' });
              this.emit(l, 'CHANNEL_CALLSTATE', { 'Channel-Call-State': 'ACTIVE' });
              const park: App = { name: 'park', arg: '', eventUuid: randomUUID() };
              l.stack.push(park);
              this.emit(l, 'CHANNEL_EXECUTE', {
                Application: 'park',
                'Application-Data': '',
                'Application-UUID': park.eventUuid,
              });
              this.unbridged(l); // park runs what the bridge held
            },
            20 + i * 30,
          ),
        );
        return '+OK\n';
      }
      case 'uuid_record': {
        const c = ch(args[0]);
        if (!c) return '-ERR Cannot locate session!\n';
        if (args[1] === 'start') this.startRecording(c, args[2] ?? '');
        else if (args[1] === 'stop') this.stopRecording(c);
        return '+OK Success\n';
      }
      case 'show':
        if (args[0] === 'channels') {
          const rows = [...this.channels.values()].map((c) => ({
            uuid: c.uuid,
            direction: 'inbound',
            created_epoch: String(Math.floor(c.createdAt / 1000)),
            name: `sofia/drachtio_mrf/nobody@${this.drachtioHostport()}`,
            state: 'CS_EXECUTE',
            dest: 'drachtio',
            application: c.stack.at(-1)?.name ?? '',
            application_data: c.stack.at(-1)?.arg ?? '',
            callstate: 'ACTIVE',
            call_uuid: c.bridgedWith ?? '',
          }));
          if (args.includes('json'))
            return rows.length ? JSON.stringify({ row_count: rows.length, rows }) : '{"row_count": 0}\n';
          return `${rows.length} total.\n`;
        }
        return '-ERR\n';
      case 'conference':
        return this.conferenceApi(args);
      case 'db':
        return this.dbApi(args.join(' '));
      default:
        return `-ERR ${cmd} Command not found!\n`;
    }
  }

  /**
   * mod_db's `db` API (mod_db.c db_api_function): `insert/<realm>/<key>/<value>`, `delete/<realm>/<key>`,
   * `select/<realm>/<key>`, `exists/<realm>/<key>`, `count[/<realm>]`, `list[/<realm>]` (keys joined by
   * commas, in insertion order here), `!err!` otherwise; the output has no line feed. FreeSWITCH keeps
   * it in its core database on disk; here it lives as long as the simulator.
   */
  private dbApi(arg: string): string {
    // switch_separate_string(…, '/', argv, 4): the value keeps any further '/'.
    const parts = arg.split('/');
    const [op = '', realm, key] = parts;
    const value = parts.length > 3 ? parts.slice(3).join('/') : undefined;
    const r = realm !== undefined ? this.db.get(realm) : undefined;
    switch (op.toLowerCase()) {
      case 'insert':
        if (realm === undefined || key === undefined || value === undefined) return '!err!';
        if (!this.db.has(realm)) this.db.set(realm, new Map());
        this.db.get(realm)!.delete(key);
        this.db.get(realm)!.set(key, value);
        return '+OK';
      case 'delete':
        if (realm === undefined) return '!err!';
        r?.delete(key ?? '');
        if (r?.size === 0) this.db.delete(realm);
        return '+OK';
      case 'select':
        return realm !== undefined && key !== undefined ? (r?.get(key) ?? '') : '!err!';
      case 'exists':
        return realm !== undefined && key !== undefined ? String(r?.has(key) ?? false) : '!err!';
      case 'count':
        if (key !== undefined) return '!err!';
        return String(realm === undefined ? this.db.size : (r?.size ?? 0));
      case 'list':
        if (key !== undefined) return '!err!';
        return realm === undefined ? [...this.db.keys()].join(',') : [...(r?.keys() ?? [])].join(',');
      default:
        return '!err!';
    }
  }

  /** uuid_transfer to an inline dialplan: the running applications end, then each `app:arg` runs. */
  private transferInline(ch: FsChannel, dest: string): void {
    if (ch.hungUp) return;
    if (ch.conference) this.leaveConference(ch, 'kick-member');
    while (ch.stack.length > 0) this.unwind(ch);
    this.emit(ch, 'CHANNEL_CALLSTATE', { 'Channel-Call-State': 'RINGING' });
    this.emit(ch, 'CHANNEL_CALLSTATE', { 'Channel-Call-State': 'ACTIVE' });
    for (const step of dest.split(',')) {
      const colon = step.indexOf(':');
      const name = colon < 0 ? step : step.slice(0, colon);
      const arg = colon < 0 ? '' : step.slice(colon + 1);
      this.execute(ch, { name, arg, eventUuid: randomUUID() });
    }
  }

  /** uuid_bridge: whatever runs on both legs ends (the socket application too); the sockets stay open. */
  private bridge(a: FsChannel, b: FsChannel): void {
    a.bridgedWith = b.uuid;
    b.bridgedWith = a.uuid;
    a.bridgedAt = b.bridgedAt = Date.now();
    this.opts.onMediaShared?.([a, b].map(remotePort));
    // The api reply goes first; the music stops right after it.
    this.later(() => {
      for (const l of [a, b]) if (l.stack.at(-1)?.name === 'playback') this.unwind(l);
    }, 0);
    this.later(() => {
      for (const l of [a, b]) {
        while (l.stack.length > 0) this.unwind(l);
        this.emit(l, 'CHANNEL_EXECUTE', {
          Application: 'uuid_bridge',
          'Application-Data': '',
          'Application-UUID': randomUUID(),
        });
      }
    }, 20);
  }

  private conferenceApi(args: string[]): string {
    const [name = '', op = '', ...rest] = args;
    const conf = this.conferences.get(name);
    if (!conf) return `-ERR Conference ${name} not found\n`;
    const members = [...conf.members.entries()];
    switch (op) {
      case 'list':
        if (rest[0] === 'count') return `${members.length}\n`;
        return members.map(([id, uuid]) => `${id};sofia/drachtio_mrf;${uuid};;;`).join('\n') + '\n';
      case 'set':
        return '0\n';
      case 'play': {
        // mod_conference 1.10 (conference_api_sub_play): `play <file> [async|<member_id> [nomux]]`;
        // to one member it plays over what it hears (an endless local_stream until stopped).
        const [file = '', target] = rest.filter((a) => a !== '');
        if (!file) return '-ERR (play) File: (unspecified) not found.\n';
        if (target === undefined || target === 'async') return `+OK (play) Playing file ${file}\n`;
        const id = Number(target);
        const uuid = conf.members.get(id);
        if (!uuid) return `-ERR Member: ${target} not found.\n`;
        (conf.memberFiles ??= new Map()).set(id, file);
        this.confEvent(name, this.channels.get(uuid) ?? null, 'play-file-member', id);
        return `+OK (play) Playing file ${file} to member ${id}\n`;
      }
      case 'stop': {
        // conference_api_sub_stop: `stop <[current|all|async|last]> [<member_id>]`.
        const [which = 'all', target] = rest.filter((a) => a !== '');
        if (!['current', 'all', 'async', 'last'].includes(which)) return '-ERR\n';
        if (target === undefined) return '+OK Stopped 0 files\n';
        const id = Number(target);
        if (!conf.members.has(id)) return `-ERR Member: ${target} not found.\n`;
        const stopped = conf.memberFiles?.delete(id) ? 1 : 0;
        return `+OK Stopped ${stopped} files\n`;
      }
      case 'kick':
      case 'hup': {
        const ids = rest[0] === 'all' ? members.map(([id]) => id) : [Number(rest[0])];
        const done: number[] = [];
        for (const id of ids) {
          const uuid = conf.members.get(id);
          const c = uuid ? this.channels.get(uuid) : undefined;
          if (!c) continue;
          done.push(id);
          this.later(() => {
            this.leaveConference(c, op === 'kick' ? 'kick-member' : 'hup-member');
            if (op === 'hup') this.hangup(c, 'NORMAL_CLEARING', true);
          }, 10);
        }
        if (done.length === 0) return `-ERR Non-Existant ID ${rest[0]}\n`;
        return `+OK ${op === 'kick' ? 'kicked' : 'hup'} ${done.join(' ')}\n`;
      }
      default:
        return '+OK\n';
    }
  }

  /** The far end whose media port is `port` presses keys (RFC 2833): DTMF events on its channel. */
  dtmf(port: number, digits: string): boolean {
    const ch = [...this.channels.values()].find((c) => remotePort(c) === port);
    if (!ch) return false;
    [...digits].forEach((digit, i) =>
      this.later(
        () => {
          this.emit(ch, 'DTMF', { 'DTMF-Digit': digit, 'DTMF-Duration': '1600', 'DTMF-Source': 'RTP' });
          this.eavesdropKey(ch, digit);
        },
        10 + i * 100,
      ),
    );
    return true;
  }

  /** What is left on this FreeSWITCH (hygiene checks). */
  snapshot(): { channels: number; conferences: number; outboundSockets: number } {
    return {
      channels: this.channels.size,
      conferences: this.conferences.size,
      outboundSockets: this.outbound.size,
    };
  }

  /** Which channels share media with the channel whose remote SDP port is `port` (ground truth). */
  peersOfMediaPort(port: number): { music: string | null; withPorts: number[] } {
    const ch = [...this.channels.values()].find(
      (c) => /m=audio (\d+)/.exec(c.remoteSdp)?.[1] === String(port),
    );
    if (!ch) return { music: null, withPorts: [] };
    const portOf = (c: FsChannel) => Number(/m=audio (\d+)/.exec(c.remoteSdp)?.[1] ?? 0);
    const withPorts: number[] = [];
    if (ch.bridgedWith) {
      const o = this.channels.get(ch.bridgedWith);
      if (o) withPorts.push(portOf(o));
    }
    let memberFile: string | null = null;
    if (ch.conference) {
      const conf = this.conferences.get(ch.conference.name);
      for (const uuid of conf?.members.values() ?? []) {
        const o = this.channels.get(uuid);
        if (o && o !== ch) withPorts.push(portOf(o));
      }
      memberFile = conf?.memberFiles?.get(ch.conference.memberId) ?? null;
    }
    const top = ch.stack.at(-1);
    // Bridged, the caller hears the other leg (the music's unwinding follows the api reply).
    const music = top?.name === 'playback' && !ch.bridgedWith ? top.arg : memberFile;
    return { music, withPorts };
  }

  /** The members of a conference now, as the far ends' media ports (ground truth; [] when none). */
  conferencePorts(name: string): number[] {
    const conf = this.conferences.get(name);
    return [...(conf?.members.values() ?? [])].flatMap((u) => {
      const c = this.channels.get(u);
      return c ? [remotePort(c)] : [];
    });
  }
}

const remotePort = (c: FsChannel): number => Number(/m=audio (\d+)/.exec(c.remoteSdp)?.[1] ?? 0);
