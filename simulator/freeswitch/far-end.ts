// The far end of the simulated drachtio network: trunk callers (SIP UACs that dial a line) and the
// agents' phones (UASs registered over the endpoint WebSocket). Each has its own SIP port and RTP
// port, so the media server's bridges and conferences tell who hears whom.
import { randomUUID } from 'node:crypto';
import type { DrachtioServerSim, SipPeer } from './drachtio-server.js';
import {
  REASONS,
  header,
  isResponse,
  methodOf,
  newBranch,
  newTag,
  parseUri,
  statusOf,
  tagOf,
  type SipMessage,
} from './wire.js';

const sdpFor = (port: number): string =>
  `v=0\r\no=sim 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;

export function replyTo(
  req: SipMessage,
  status: number,
  toTag: string | null,
  extra: [string, string][] = [],
  body = '',
): SipMessage {
  const to = header(req, 'To') ?? '';
  return {
    first: `SIP/2.0 ${status} ${REASONS[status] ?? 'OK'}`,
    headers: [
      ['Via', header(req, 'Via') ?? ''],
      ['From', header(req, 'From') ?? ''],
      ['To', toTag && !tagOf(to) ? `${to};tag=${toTag}` : to],
      ['Call-ID', header(req, 'Call-ID') ?? ''],
      ['CSeq', header(req, 'CSeq') ?? ''],
      ...extra,
      ...(body ? ([['Content-Type', 'application/sdp']] as [string, string][]) : []),
    ],
    body,
  };
}

/** A dialog as one UA sees it. */
type UaDialog = {
  callId: string;
  localTag: string;
  remoteTag: string;
  localUri: string;
  remoteUri: string;
  cseq: number;
};

function inDialog(
  d: UaDialog,
  method: string,
  host: string,
  port: number,
  extra: [string, string][] = [],
  body = '',
): SipMessage {
  return {
    first: `${method} sip:127.0.0.1:5060 SIP/2.0`,
    headers: [
      ['Via', `SIP/2.0/UDP ${host}:${port};branch=${newBranch()}`],
      ['From', `${d.localUri};tag=${d.localTag}`],
      ['To', `${d.remoteUri};tag=${d.remoteTag}`],
      ['Call-ID', d.callId],
      ['CSeq', `${++d.cseq} ${method}`],
      ['Max-Forwards', '70'],
      ...extra,
    ],
    body,
  };
}

export type CallTimeline = {
  callId: string;
  sipCallId: string;
  line: string;
  callerNumber: string | null;
  arrivedAtMs: number;
  answeredByPbxAtMs: number | null;
  endedAtMs: number | null;
  endedBy: 'caller' | 'pbx' | 'patience' | null;
  status: number | null;
  referredTo: string | null;
  redirectedTo: string | null;
  /** REFERs this caller refused (refusesRefer), by target: the caller stays. */
  refusedReferTo?: string[];
  /** Phones (endpoint names) that shared media with this caller at some point. */
  agents: string[];
  /**
   * Each change of the phones the caller shares media with, in order (a phone joined by a bridge or
   * a conference; a phone's leg ended): the replay's ground truth of waits (simulator/replay).
   */
  media: { atMs: number; phones: string[] }[];
};

export class TrunkCaller implements SipPeer {
  readonly host = '127.0.0.1';
  readonly timeline: CallTimeline;
  private dialog: UaDialog | null = null;
  private invite: SipMessage | null = null;
  private patience: NodeJS.Timeout | null = null;
  private readonly refusesRefer: boolean;

  constructor(
    private readonly net: DrachtioServerSim,
    readonly port: number,
    readonly mediaPort: number,
    opts: {
      line: string;
      callerNumber?: string | null;
      callerName?: string | null;
      withheld?: boolean;
      patienceSec?: number;
      /**
       * Refuses a REFER as a real FreeSWITCH does for a one-legged call ("Cannot Blind Transfer 1
       * Legged calls"): a final NOTIFY "403 Forbidden" at once, then the 202; the call goes on.
       */
      refusesRefer?: boolean;
    },
    private readonly onEnd: (c: TrunkCaller) => void,
  ) {
    this.refusesRefer = opts.refusesRefer ?? false;
    const sipCallId = `${randomUUID()}@127.0.0.1`;
    this.timeline = {
      callId: randomUUID(),
      sipCallId,
      line: opts.line,
      callerNumber: opts.withheld ? null : (opts.callerNumber ?? null),
      arrivedAtMs: Date.now(),
      answeredByPbxAtMs: null,
      endedAtMs: null,
      endedBy: null,
      status: null,
      referredTo: null,
      redirectedTo: null,
      agents: [],
      media: [],
    };
    const user = opts.withheld ? 'anonymous' : (opts.callerNumber ?? 'caller');
    const name = opts.withheld ? 'Anonymous' : (opts.callerName ?? '');
    this.invite = {
      first: `INVITE sip:${opts.line}@127.0.0.1:5060 SIP/2.0`,
      headers: [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=${newBranch()};rport=${port}`],
        ['From', `${name ? `"${name}" ` : ''}<sip:${user}@127.0.0.1:${port}>;tag=${newTag()}`],
        ['To', `<sip:${opts.line}@127.0.0.1:5060>`],
        ['Call-ID', sipCallId],
        ['CSeq', '1 INVITE'],
        ['Contact', `sip:${user}@127.0.0.1:${port}`],
        ['Max-Forwards', '70'],
        ['Content-Type', 'application/sdp'],
      ],
      body: sdpFor(mediaPort),
    };
    if (opts.patienceSec) {
      this.patience = setTimeout(() => {
        if (this.timeline.agents.length === 0) this.hangup('patience');
      }, opts.patienceSec * 1000);
      this.patience.unref();
    }
  }

  get ended(): boolean {
    return this.timeline.endedAtMs !== null;
  }

  dial(): void {
    this.net.fromPeer(this, this.invite!);
  }

  private end(by: CallTimeline['endedBy'], status: number | null = null): void {
    if (this.ended) return;
    this.timeline.endedAtMs = Date.now();
    this.timeline.endedBy = by;
    this.timeline.status = status;
    if (this.patience) clearTimeout(this.patience);
    this.onEnd(this);
  }

  /** The caller hangs up: BYE once answered, CANCEL before. */
  hangup(by: 'caller' | 'patience' = 'caller'): void {
    if (this.ended) return;
    if (this.dialog) this.net.fromPeer(this, inDialog(this.dialog, 'BYE', this.host, this.port));
    else if (this.invite) {
      const inv = this.invite;
      this.net.fromPeer(this, {
        first: `CANCEL ${inv.first.split(' ')[1]} SIP/2.0`,
        headers: [
          ['Via', header(inv, 'Via')!],
          ['From', header(inv, 'From')!],
          ['To', header(inv, 'To')!],
          ['Call-ID', header(inv, 'Call-ID')!],
          ['CSeq', '1 CANCEL'],
        ],
        body: '',
      });
    }
    this.end(by);
  }

  receive(m: SipMessage): void {
    if (isResponse(m)) {
      const status = statusOf(m);
      const method = methodOf(m);
      if (method !== 'INVITE' || status < 200) return;
      const inv = this.invite!;
      if (status < 300) {
        if (this.dialog) return;
        this.dialog = {
          callId: this.timeline.sipCallId,
          localTag: tagOf(header(inv, 'From'))!,
          remoteTag: tagOf(header(m, 'To'))!,
          localUri: header(inv, 'From')!.replace(/;tag=.*/, ''),
          remoteUri: header(inv, 'To')!,
          cseq: 1,
        };
        this.timeline.answeredByPbxAtMs = Date.now();
        const ack = inDialog(this.dialog, 'ACK', this.host, this.port);
        ack.headers[4] = ['CSeq', '1 ACK'];
        this.dialog.cseq = 1;
        this.net.fromPeer(this, ack);
        if (this.ended) this.net.fromPeer(this, inDialog(this.dialog, 'BYE', this.host, this.port));
        return;
      }
      // A final failure: the ACK reuses the INVITE's Via branch (or drachtio retransmits).
      this.net.fromPeer(this, {
        first: `ACK ${inv.first.split(' ')[1]} SIP/2.0`,
        headers: [
          ['Via', header(inv, 'Via')!],
          ['From', header(inv, 'From')!],
          ['To', header(m, 'To')!],
          ['Call-ID', header(inv, 'Call-ID')!],
          ['CSeq', '1 ACK'],
        ],
        body: '',
      });
      if (status === 302) this.timeline.redirectedTo = parseContact(header(m, 'Contact'));
      if (!this.ended) this.end('pbx', status);
      return;
    }
    const method = methodOf(m);
    if (method === 'BYE') {
      this.net.fromPeer(this, replyTo(m, 200, null));
      this.end('pbx');
      return;
    }
    if (method === 'REFER') {
      const target = parseContact(header(m, 'Refer-To'));
      const notify = (frag: string, state: string) => {
        if (!this.dialog || this.ended) return;
        this.net.fromPeer(
          this,
          inDialog(
            this.dialog,
            'NOTIFY',
            this.host,
            this.port,
            [
              ['Event', 'refer'],
              ['Subscription-State', state],
              ['Content-Type', 'message/sipfrag;version=2.0'],
            ],
            frag,
          ),
        );
      };
      if (this.refusesRefer) {
        // As recorded on FreeSWITCH 1.10.12 (docs/freeswitch.md): no 100, the final 403 NOTIFY
        // reached the app before the REFER's 202.
        this.timeline.refusedReferTo = [...(this.timeline.refusedReferTo ?? []), target ?? ''];
        notify('SIP/2.0 403 Forbidden\r\n', 'terminated;reason=noresource');
        this.net.fromPeer(this, replyTo(m, 202, null));
        return;
      }
      this.net.fromPeer(this, replyTo(m, 202, null));
      this.timeline.referredTo = target;
      setTimeout(() => notify('SIP/2.0 100 Trying\r\n', 'active;expires=60'), 2);
      setTimeout(() => notify('SIP/2.0 200 OK\r\n', 'terminated;reason=noresource'), 50);
      return;
    }
    if (method === 'ACK') return;
    this.net.fromPeer(this, replyTo(m, 200, null));
  }
}

const parseContact = (v: string | undefined): string | null => (v ? (/<([^>]+)>/.exec(v)?.[1] ?? v) : null);

export type PhoneSession = {
  invite(leg: { channelId: string; caller: { name: string; number: string } }): void;
  cancelled(channelId: string, cause: number): void;
  hungUp(channelId: string, cause: number): void;
};

type PhoneLeg = { invite: SipMessage; tag: string; dialog: UaDialog | null; done: boolean };

export class Phone implements SipPeer {
  readonly host = '127.0.0.1';
  private readonly legs = new Map<string, PhoneLeg>();

  constructor(
    private readonly net: DrachtioServerSim,
    readonly endpoint: string,
    readonly port: number,
    readonly mediaPort: number,
    private readonly session: PhoneSession,
    /** An answered leg ended (either side hung up): for the ground truth (sim.ts). */
    private readonly onLegEnded: () => void = () => {},
  ) {}

  get user(): string {
    return this.endpoint.split('/').pop()!;
  }

  get activeLegs(): number {
    return [...this.legs.values()].filter((l) => !l.done).length;
  }

  receive(m: SipMessage): void {
    if (isResponse(m)) return;
    const method = methodOf(m);
    const callId = header(m, 'Call-ID') ?? '';
    const leg = this.legs.get(callId);
    if (method === 'INVITE' && !tagOf(header(m, 'To'))) {
      this.legs.set(callId, { invite: m, tag: newTag(), dialog: null, done: false });
      const from = header(m, 'From') ?? '';
      this.session.invite({
        channelId: callId,
        caller: { name: /"([^"]*)"/.exec(from)?.[1] ?? '', number: parseUri(from).user },
      });
      return;
    }
    if (!leg) {
      if (method !== 'ACK') this.net.fromPeer(this, replyTo(m, 481, null));
      return;
    }
    if (method === 'CANCEL') {
      this.net.fromPeer(this, replyTo(m, 200, leg.tag));
      if (!leg.dialog && !leg.done) {
        leg.done = true;
        this.net.fromPeer(this, replyTo(leg.invite, 487, leg.tag));
        this.session.cancelled(callId, 487);
        this.legs.delete(callId);
      }
      return;
    }
    if (method === 'BYE') {
      this.net.fromPeer(this, replyTo(m, 200, null));
      leg.done = true;
      this.legs.delete(callId);
      this.session.hungUp(callId, 16);
      this.onLegEnded();
      return;
    }
    if (method === 'ACK') return;
    this.net.fromPeer(this, replyTo(m, 200, null, [], method === 'INVITE' ? sdpFor(this.mediaPort) : ''));
  }

  ringing(callId: string): void {
    const leg = this.legs.get(callId);
    if (!leg || leg.done || leg.dialog) throw new Error(`no ringing call ${callId} on ${this.endpoint}`);
    this.net.fromPeer(this, replyTo(leg.invite, 180, leg.tag));
  }

  answer(callId: string): void {
    const leg = this.legs.get(callId);
    if (!leg || leg.done || leg.dialog) throw new Error(`no ringing call ${callId} on ${this.endpoint}`);
    leg.dialog = {
      callId,
      localTag: leg.tag,
      remoteTag: tagOf(header(leg.invite, 'From'))!,
      localUri: (header(leg.invite, 'To') ?? '').replace(/;tag=.*/, ''),
      remoteUri: (header(leg.invite, 'From') ?? '').replace(/;tag=.*/, ''),
      cseq: 0,
    };
    this.net.fromPeer(
      this,
      replyTo(
        leg.invite,
        200,
        leg.tag,
        [['Contact', `<sip:${this.user}@127.0.0.1:${this.port}>`]],
        sdpFor(this.mediaPort),
      ),
    );
  }

  reject(callId: string, code = 486): void {
    const leg = this.legs.get(callId);
    if (!leg || leg.done || leg.dialog) throw new Error(`no ringing call ${callId} on ${this.endpoint}`);
    leg.done = true;
    this.legs.delete(callId);
    this.net.fromPeer(this, replyTo(leg.invite, code, leg.tag));
  }

  hangup(callId: string): void {
    const leg = this.legs.get(callId);
    if (!leg?.dialog) throw new Error(`no answered call ${callId} on ${this.endpoint}`);
    leg.done = true;
    this.legs.delete(callId);
    this.net.fromPeer(this, inDialog(leg.dialog, 'BYE', this.host, this.port));
    this.onLegEnded();
  }

  /** Unregistered: its answered calls drop, its ringing calls are refused. */
  dropAll(): void {
    for (const callId of [...this.legs.keys()]) {
      const leg = this.legs.get(callId)!;
      if (leg.dialog) this.hangup(callId);
      else this.reject(callId, 480);
    }
  }

  isAnswered(callId: string): boolean {
    return !!this.legs.get(callId)?.dialog;
  }
}
