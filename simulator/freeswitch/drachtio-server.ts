// A simulated drachtio-server: the app protocol on TCP (authenticate, route, sip, echoes as recorded in
// ../shared/freeswitch-1.10/traces) and an in-process SIP "network" of peers (trunk callers, phones,
// the FreeSWITCH media server). It answers 100 Trying by itself and never reports it, ACKs non-2xx
// finals itself, synthesises 503 for a host nobody listens on, answers 503 to new INVITEs and 481 to
// in-dialog requests while no app is connected (and then forgets that dialog).
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
  CRLF,
  FrameReader,
  REASONS,
  frame,
  header,
  isResponse,
  methodOf,
  newBranch,
  newTag,
  parseSip,
  parseUri,
  setHeader,
  sipText,
  stamp,
  statusOf,
  tagOf,
  type SipMessage,
} from './wire.js';

/** A SIP user agent on the simulated network. */
export interface SipPeer {
  readonly host: string;
  readonly port: number;
  /** A request or response the server sends to this peer. */
  receive(msg: SipMessage): void;
}

type App = { socket: net.Socket; authenticated: boolean; routes: Set<string> };

type Dialog = {
  id: string;
  callId: string;
  localTag: string;
  remoteTag: string;
  localUri: string;
  remoteUri: string;
  remoteTarget: string;
  peer: SipPeer;
  cseq: number;
  inviteCseq: number;
  app: App | null;
};

/** A request from the network waiting for the app's answer. */
type ServerTxn = {
  id: string;
  req: SipMessage;
  peer: SipPeer;
  app: App;
  toTag: string | null;
  done: boolean;
};
/** A request the app sent into the network. */
type ClientTxn = {
  id: string;
  req: SipMessage;
  peer: SipPeer | null;
  app: App;
  dialogId: string | null;
  final: number;
};

export type DrachtioServerOptions = {
  secret: string;
  /** The SIP address of this server (Via, Contact, the hostports in `authenticate`). */
  sipHost?: string;
  sipPort?: number;
  version?: string;
  /** Where a request URI goes; null: nothing listens there (503 synthesised). */
  route: (uri: string) => SipPeer | null;
};

export class DrachtioServerSim {
  private readonly server = net.createServer((s) => this.onApp(s));
  private readonly apps = new Set<App>();
  /**
   * drachtio-server's routes (client-controller.cpp, 0.9.4): per method, the apps in the order their
   * `route` arrived, picked round robin from a per-method offset; an app gone stays listed until the
   * pick passes over it.
   */
  private readonly routes = new Map<string, { apps: App[]; offset: number }>();
  private readonly serverTxns = new Map<string, ServerTxn>();
  private readonly clientTxns = new Map<string, ClientTxn>();
  private readonly byBranch = new Map<string, ClientTxn>();
  readonly dialogs = new Map<string, Dialog>();
  private readonly host: string;
  private readonly sipPort: number;

  constructor(private readonly opts: DrachtioServerOptions) {
    this.host = opts.sipHost ?? '127.0.0.1';
    this.sipPort = opts.sipPort ?? 5060;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(port, host, () => resolve((this.server.address() as net.AddressInfo).port)),
    );
  }

  close(): Promise<void> {
    for (const a of this.apps) a.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Kills every app connection at once (no FIN), as a crashed app would leave it. */
  dropApps(): void {
    for (const a of [...this.apps]) a.socket.destroy();
  }

  get appCount(): number {
    return [...this.apps].filter((a) => a.authenticated).length;
  }

  // ---- app side ----

  private onApp(socket: net.Socket): void {
    const app: App = { socket, authenticated: false, routes: new Set() };
    this.apps.add(app);
    const reader = new FrameReader();
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      let frames: string[];
      try {
        frames = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const f of frames) this.onFrame(app, f);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.apps.delete(app);
      for (const d of this.dialogs.values()) if (d.app === app) d.app = null;
    });
  }

  private write(app: App, payload: string): void {
    if (!app.socket.destroyed) app.socket.write(frame(`${randomUUID()}|${payload}`));
  }

  private onFrame(app: App, payload: string): void {
    const nl = payload.indexOf(CRLF);
    const leader = nl < 0 ? payload : payload.slice(0, nl);
    const sip = nl < 0 ? '' : payload.slice(nl + 2);
    const [msgId = '', type, ...f] = leader.split('|');
    if (type === 'authenticate') {
      if (f[0] !== this.opts.secret) {
        this.write(app, `response|${msgId}|NOK|incorrect secret`);
        return;
      }
      app.authenticated = true;
      const hp = `tcp/${this.host}:${this.sipPort},udp/${this.host}:${this.sipPort}`;
      this.write(app, `response|${msgId}|OK|${hp}|${this.opts.version ?? 'v0.9.4'}|${hp}`);
      return;
    }
    if (!app.authenticated) {
      app.socket.destroy();
      return;
    }
    if (type === 'route') {
      const method = (f[0] ?? '').toLowerCase();
      app.routes.add(method);
      const r = this.routes.get(method) ?? { apps: [], offset: 0 };
      r.apps.push(app);
      this.routes.set(method, r);
      this.write(app, `response|${msgId}|OK`);
      return;
    }
    if (type === 'remove_route') {
      // As no_longer_wants_requests: every route of this app goes, whatever the verb named.
      app.routes.clear();
      for (const r of this.routes.values()) r.apps = r.apps.filter((a) => a !== app);
      this.write(app, `response|${msgId}|OK`);
      return;
    }
    if (type === 'ping') {
      this.write(app, `response|${msgId}|OK`);
      return;
    }
    if (type === 'sip') {
      this.fromApp(app, msgId, f[0] ?? '', f[1] ?? '', parseSip(sip));
      return;
    }
    this.write(app, `response|${msgId}|NOK|unknown message type ${type}`);
  }

  private nok(app: App, msgId: string, reason: string): void {
    this.write(app, `response|${msgId}|NOK|${reason}`);
  }

  private echo(
    app: App,
    msgId: string,
    peer: SipPeer | null,
    txnId: string,
    m: SipMessage,
    dialogId?: string,
  ): void {
    const text = sipText(m);
    const dest = `udp|${peer?.host ?? ''}|${peer?.port ?? 0}`;
    const tail = dialogId === undefined ? `${txnId}|Msg sent:|` : `${txnId}|${dialogId}||Msg sent:|`;
    this.write(
      app,
      `response|${msgId}|OK|application|${Buffer.byteLength(text)}|${dest}|${stamp()}|${tail}${CRLF}${text}`,
    );
  }

  private fromApp(app: App, msgId: string, txnId: string, dialogId: string, m: SipMessage): void {
    if (isResponse(m)) {
      const txn = this.serverTxns.get(txnId);
      if (!txn || txn.done) {
        this.nok(app, msgId, 'Server error: unable to find transaction for transaction id provided');
        return;
      }
      this.respondToNetwork(app, msgId, txn, m);
      return;
    }
    const method = methodOf(m);
    if (method === 'CANCEL') {
      const txn = this.clientTxns.get(txnId);
      if (!txn) {
        this.nok(app, msgId, 'Server error: unable to find transaction for transaction id provided');
        return;
      }
      const cancel = this.cancelOf(txn.req);
      this.echo(app, msgId, txn.peer, randomUUID(), cancel);
      if (txn.peer && txn.final === 0) this.deliver(txn.peer, cancel);
      return;
    }
    if (dialogId) {
      this.inDialogFromApp(app, msgId, dialogId, m);
      return;
    }
    // A new request out of dialog.
    const target = m.first.split(' ')[1] ?? '';
    const peer = this.opts.route(target);
    const out: SipMessage = { first: m.first, headers: [], body: m.body };
    const tag = newTag();
    const branch = newBranch();
    out.headers.push(['Via', `SIP/2.0/UDP ${this.host};rport;branch=${branch}`], ['Max-Forwards', '70']);
    const from = header(m, 'From');
    out.headers.push(['From', from ? `${from};tag=${tag}` : `<sip:${this.host}:${this.sipPort}>;tag=${tag}`]);
    out.headers.push(['To', header(m, 'To') ?? `<${target}>`]);
    out.headers.push(['Call-ID', header(m, 'Call-ID') ?? `${randomUUID()}`]);
    out.headers.push(['CSeq', `${Math.floor(Math.random() * 1e8) + 1} ${method}`]);
    out.headers.push(['Contact', `<sip:${this.host}:${this.sipPort}>`]);
    const skip = new Set([
      'via',
      'max-forwards',
      'from',
      'to',
      'call-id',
      'cseq',
      'contact',
      'content-length',
    ]);
    for (const h of m.headers) if (!skip.has(h[0].toLowerCase())) out.headers.push(h);
    if (m.body && !header(out, 'Content-Type')) out.headers.push(['Content-Type', 'application/sdp']);
    const id = randomUUID();
    const txn: ClientTxn = {
      id,
      req: out,
      peer,
      app,
      dialogId: `${header(out, 'Call-ID')};from-tag=${tag}`,
      final: 0,
    };
    this.clientTxns.set(id, txn);
    this.byBranch.set(branch, txn);
    this.echo(app, msgId, peer, id, out);
    if (peer) this.deliver(peer, out);
    else if (method === 'INVITE')
      // Nothing listens there: drachtio gives up and reports a 503 of its own (length 0, no source).
      setTimeout(() => this.synthesize(txn, 503), 20);
  }

  private cancelOf(req: SipMessage): SipMessage {
    const keep = ['Via', 'From', 'To', 'Call-ID'];
    const c: SipMessage = {
      first: `CANCEL ${req.first.split(' ')[1]} SIP/2.0`,
      headers: keep.map((k) => [k, header(req, k) ?? ''] as [string, string]),
      body: '',
    };
    c.headers.push(['Max-Forwards', '70'], ['CSeq', `${(header(req, 'CSeq') ?? '1').split(' ')[0]} CANCEL`]);
    return c;
  }

  private synthesize(txn: ClientTxn, status: number): void {
    if (txn.final) return;
    txn.final = status;
    const r = this.responseTo(txn.req, status, tagOf(header(txn.req, 'To')) ?? newTag());
    this.clientTxns.delete(txn.id);
    this.write(txn.app, `sip|network|0||||${stamp()}|${txn.id}|${txn.dialogId ?? ''}|${CRLF}${sipText(r)}`);
  }

  private responseTo(req: SipMessage, status: number, toTag: string | null): SipMessage {
    const r: SipMessage = {
      first: `SIP/2.0 ${status} ${REASONS[status] ?? 'Unknown'}`,
      headers: [],
      body: '',
    };
    for (const h of req.headers) if (h[0].toLowerCase() === 'via') r.headers.push(h);
    r.headers.push(['From', header(req, 'From') ?? '']);
    const to = header(req, 'To') ?? '';
    r.headers.push(['To', toTag && !tagOf(to) ? `${to};tag=${toTag}` : to]);
    r.headers.push(['Call-ID', header(req, 'Call-ID') ?? ''], ['CSeq', header(req, 'CSeq') ?? '']);
    return r;
  }

  private inDialogFromApp(app: App, msgId: string, dialogId: string, m: SipMessage): void {
    const method = methodOf(m);
    const d = this.dialogs.get(dialogId);
    if (!d) {
      const failed = [...this.clientTxns.values()].find((t) => t.dialogId === dialogId && t.final >= 300);
      if (method === 'ACK' && (failed || this.recentFailures.has(dialogId))) {
        this.nok(
          app,
          msgId,
          'Server error: ACK for non-success final response is automatically generated by server',
        );
        return;
      }
      this.nok(app, msgId, 'Server error: unable to find dialog for dialog id provided');
      return;
    }
    // A new app may drive an old dialog by its id, but the dialog stays with the app that made it
    // (drachtio-server src/client-controller.cpp): the far end's requests never reach the new app.
    const cseq = method === 'ACK' ? d.inviteCseq : ++d.cseq;
    if (method === 'INVITE') d.inviteCseq = cseq;
    const branch = newBranch();
    const out: SipMessage = {
      first: `${method} ${d.remoteTarget} SIP/2.0`,
      headers: [
        ['Via', `SIP/2.0/UDP ${this.host};rport;branch=${branch}`],
        ['Max-Forwards', '70'],
        ['From', `${d.localUri};tag=${d.localTag}`],
        ['To', `${d.remoteUri};tag=${d.remoteTag}`],
        ['Call-ID', d.callId],
        ['CSeq', `${cseq} ${method}`],
      ],
      body: m.body,
    };
    if (method === 'INVITE' || method === 'REFER')
      out.headers.push(['Contact', `<sip:${this.host}:${this.sipPort}>`]);
    const skip = new Set([
      'via',
      'max-forwards',
      'from',
      'to',
      'call-id',
      'cseq',
      'contact',
      'content-length',
    ]);
    for (const h of m.headers) if (!skip.has(h[0].toLowerCase())) out.headers.push(h);
    if (m.body && !header(out, 'Content-Type')) out.headers.push(['Content-Type', 'application/sdp']);
    const id = randomUUID();
    this.echo(app, msgId, d.peer, id, out);
    if (method !== 'ACK') {
      const txn: ClientTxn = { id, req: out, peer: d.peer, app, dialogId, final: 0 };
      this.clientTxns.set(id, txn);
      this.byBranch.set(branch, txn);
    }
    if (method === 'BYE') this.dialogs.delete(d.id);
    this.deliver(d.peer, out);
  }

  private readonly recentFailures = new Set<string>();

  private respondToNetwork(app: App, msgId: string, txn: ServerTxn, m: SipMessage): void {
    const status = statusOf(m);
    const method = methodOf(txn.req);
    if (method === 'INVITE' && status > 100 && !txn.toTag) txn.toTag = newTag();
    const r = this.responseTo(txn.req, status, method === 'INVITE' ? txn.toTag : newTag());
    r.first = m.first;
    if (method === 'INVITE' && status < 300)
      r.headers.push(['Contact', `<sip:${this.host}:${this.sipPort}>`]);
    const skip = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'content-length']);
    for (const h of m.headers) if (!skip.has(h[0].toLowerCase())) r.headers.push(h);
    if (m.body && !header(r, 'Content-Type')) r.headers.push(['Content-Type', 'application/sdp']);
    r.body = m.body;
    let dialogId = '';
    const callId = header(txn.req, 'Call-ID') ?? '';
    const fromTag = tagOf(header(txn.req, 'From')) ?? '';
    if (method === 'INVITE' && status >= 200 && status < 300) {
      dialogId = `${callId};from-tag=${fromTag}`;
      const contact = header(txn.req, 'Contact') ?? header(txn.req, 'From') ?? '';
      this.dialogs.set(dialogId, {
        id: dialogId,
        callId,
        localTag: txn.toTag!,
        remoteTag: fromTag,
        localUri: stripTag(header(txn.req, 'To') ?? ''),
        remoteUri: stripTag(header(txn.req, 'From') ?? ''),
        remoteTarget: /<([^>]+)>/.exec(contact)?.[1] ?? contact.split(';')[0]!,
        peer: txn.peer,
        cseq: 1,
        inviteCseq: 1,
        app,
      });
    } else if (method !== 'INVITE' && method !== 'BYE') {
      const d = [...this.dialogs.values()].find((x) => x.callId === callId);
      if (d) dialogId = d.id;
    } else if (method === 'INVITE' && status >= 300) dialogId = `${callId};from-tag=${fromTag}`;
    if (status >= 200) {
      txn.done = true;
      this.serverTxns.delete(txn.id);
    }
    this.echo(app, msgId, txn.peer, txn.id, r, dialogId);
    this.deliver(txn.peer, r);
  }

  /** Hands a message to a peer on the next tick (the network is never synchronous). */
  private deliver(peer: SipPeer, m: SipMessage): void {
    setImmediate(() => peer.receive(m));
  }

  // ---- network side ----

  /** A peer sends a message to this server. */
  fromPeer(peer: SipPeer, m: SipMessage): void {
    if (isResponse(m)) {
      this.responseFromPeer(peer, m);
      return;
    }
    const method = methodOf(m);
    const callId = header(m, 'Call-ID') ?? '';
    const toTag = tagOf(header(m, 'To'));
    if (method === 'ACK') {
      // ACK to a 2xx from the app goes up; the ACK of a non-2xx is absorbed.
      const d = this.dialogOf(callId, toTag);
      const txn = [...this.serverTxnsDone.entries()].find(([, v]) => v.callId === callId);
      if (d && d.app && txn) this.toApp(d.app, peer, m, txn[0], d.id, '');
      return;
    }
    if (method === 'CANCEL') {
      const txn = [...this.serverTxns.values()].find(
        (t) => header(t.req, 'Call-ID') === callId && methodOf(t.req) === 'INVITE' && !t.done,
      );
      this.deliver(peer, this.responseTo(m, 200, toTag ?? newTag()));
      if (!txn) return;
      txn.done = true;
      this.serverTxns.delete(txn.id);
      this.deliver(peer, this.responseTo(txn.req, 487, txn.toTag ?? newTag()));
      this.toApp(txn.app, peer, m, txn.id, '', '');
      return;
    }
    if (!toTag) {
      // A new dialog-creating request: 100 Trying at once (never reported to the app).
      if (method === 'INVITE') this.deliver(peer, this.responseTo(m, 100, null));
      const app = this.pickApp(method.toLowerCase());
      if (!app) {
        this.deliver(peer, this.responseTo(m, 503, newTag()));
        return;
      }
      const id = randomUUID();
      this.serverTxns.set(id, { id, req: m, peer, app, toTag: null, done: false });
      if (method === 'INVITE') this.serverTxnsDone.set(id, { callId });
      this.toApp(app, peer, m, id, '', `${this.host}|${this.sipPort}|`);
      return;
    }
    const d = this.dialogOf(callId, toTag);
    if (!d || !d.app || d.app.socket.destroyed) {
      // Nobody to hand it to: 481, and drachtio forgets that dialog.
      this.deliver(peer, this.responseTo(m, 481, null));
      if (d) this.dialogs.delete(d.id);
      return;
    }
    const id = randomUUID();
    this.serverTxns.set(id, { id, req: m, peer, app: d.app, toTag: null, done: false });
    if (method === 'BYE') this.dialogs.delete(d.id);
    this.toApp(d.app, peer, m, id, d.id, '');
  }

  /** selectClientForRequestOutsideDialog: round robin over the apps routed for the method. */
  private pickApp(method: string): App | null {
    const r = this.routes.get(method);
    if (!r || r.apps.length === 0) return null;
    let i = r.offset < r.apps.length ? r.offset : 0;
    r.offset = i + 1;
    for (let tries = r.apps.length; tries > 0; tries--) {
      if (i >= r.apps.length) i = 0;
      const app = r.apps[i]!;
      if (this.apps.has(app)) return app;
      r.apps.splice(i, 1); // disconnected: dropped while passing over it
    }
    return null;
  }

  private readonly serverTxnsDone = new Map<string, { callId: string }>();

  private dialogOf(callId: string, tag: string | undefined): Dialog | undefined {
    return [...this.dialogs.values()].find(
      (d) => d.callId === callId && (d.localTag === tag || d.remoteTag === tag),
    );
  }

  private responseFromPeer(peer: SipPeer, m: SipMessage): void {
    const branch = /branch=([^;\s]+)/.exec(header(m, 'Via') ?? '')?.[1] ?? '';
    const txn = this.byBranch.get(branch);
    if (!txn) return;
    const status = statusOf(m);
    const method = methodOf(m);
    if (method === 'CANCEL') return; // never passed up (sofia does not)
    const callId = header(m, 'Call-ID') ?? '';
    const ourTag = tagOf(header(m, 'From')) ?? '';
    const theirTag = tagOf(header(m, 'To')) ?? '';
    let dialogId = txn.dialogId ?? '';
    if (
      method === 'INVITE' &&
      status >= 200 &&
      status < 300 &&
      !this.dialogs.has(`${callId};from-tag=${ourTag}`)
    ) {
      const existing = [...this.dialogs.values()].find((d) => d.callId === callId);
      if (!existing) {
        dialogId = `${callId};from-tag=${ourTag}`;
        const contact = header(m, 'Contact') ?? header(m, 'To') ?? '';
        this.dialogs.set(dialogId, {
          id: dialogId,
          callId,
          localTag: ourTag,
          remoteTag: theirTag,
          localUri: stripTag(header(m, 'From') ?? ''),
          remoteUri: stripTag(header(m, 'To') ?? ''),
          remoteTarget: /<([^>]+)>/.exec(contact)?.[1] ?? contact,
          peer,
          cseq: Number((header(m, 'CSeq') ?? '1').split(' ')[0]),
          inviteCseq: Number((header(m, 'CSeq') ?? '1').split(' ')[0]),
          app: txn.app,
        });
      } else dialogId = existing.id;
    }
    if (status >= 200) {
      txn.final = status;
      this.clientTxns.delete(txn.id);
      this.byBranch.delete(branch);
      if (method === 'INVITE' && status >= 300) {
        // drachtio ACKs a non-2xx final itself.
        this.recentFailures.add(dialogId);
        setTimeout(() => this.recentFailures.delete(dialogId), 32_000).unref();
        const ack = this.responseAck(txn.req, m);
        this.deliver(peer, ack);
      }
    }
    if (method !== 'INVITE' || status >= 200 || status > 100)
      this.toApp(txn.app, peer, m, txn.id, dialogId, '');
  }

  private responseAck(req: SipMessage, resp: SipMessage): SipMessage {
    return {
      first: `ACK ${req.first.split(' ')[1]} SIP/2.0`,
      headers: [
        ['Via', header(req, 'Via') ?? ''],
        ['From', header(req, 'From') ?? ''],
        ['To', header(resp, 'To') ?? ''],
        ['Call-ID', header(req, 'Call-ID') ?? ''],
        ['CSeq', `${(header(req, 'CSeq') ?? '1').split(' ')[0]} ACK`],
      ],
      body: '',
    };
  }

  private toApp(
    app: App,
    peer: SipPeer,
    m: SipMessage,
    txnId: string,
    dialogId: string,
    extra: string,
  ): void {
    const text = sipText(m);
    const transport = methodOf(m) === 'ACK' && !isResponse(m) ? '' : 'udp';
    this.write(
      app,
      `sip|network|${Buffer.byteLength(text)}|${transport}|${peer.host}|${peer.port}|${stamp()}|${txnId}|${dialogId}|${extra}${CRLF}${text}`,
    );
  }
}

const stripTag = (v: string): string => v.replace(/;tag=[^;>\s]+/, '');

export { parseUri, setHeader };
