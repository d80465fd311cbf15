// The port-level suite's third backend: the drachtio adapter against a REAL drachtio-server and
// FreeSWITCH, whose own "far" SIP profile plays the callers (originate to drachtio's SIP side) and
// the phones: `ctl-<agent>` rings (ring_ready, park) until the test answers it (uuid_answer),
// refuses it (uuid_kill USER_BUSY: 486) or lets it ring until the CANCEL; `gone-<agent>` is a phone
// not registered (404). What the caller hears is read on FreeSWITCH: its channel's music
// (playback), the agent leg it is uuid_bridged with (`bridge_to`), or the members of its
// conference. Needs DRACHTIO_URL, FREESWITCH_ESL, DRACHTIO_SIP and FAR_SIP (docs/freeswitch.md,
// "What was run against real servers"); the adapter reaches drachtio through a TCP relay here, so
// that the test can cut its link (drachtio-srf reconnects by itself).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Logger } from '../../../src/ports/logger.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { MrfCtor, SrfCtor, type FsMediaServer, type Srf } from '../../../src/telephony/drachtio/libs.js';
import type { PhoneMessage } from '../../../simulator/bots/phone-client.js';
import type { Backend, TestPhone } from './port-backends.js';

const env = process.env;
export const realServers = Boolean(env.DRACHTIO_URL && env.FREESWITCH_ESL && env.DRACHTIO_SIP && env.FAR_SIP);

const parse = (raw: string) => {
  const u = new URL(raw);
  return { host: u.hostname, port: Number(u.port), secret: decodeURIComponent(u.username || u.password) };
};

type Row = {
  uuid: string;
  name: string;
  direction: string;
  dest: string;
  callstate: string;
  application: string;
  application_data: string;
};

/** A TCP relay to drachtio whose connections the test can cut. */
async function relay(to: {
  host: string;
  port: number;
}): Promise<{ port: number; cut: () => void; close: () => Promise<void> }> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(to.port, to.host);
    const pair: [net.Socket, net.Socket] = [inbound, outbound];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
    },
    close: async () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A phone on the far profile (`ctl-<agent>`), driven like sim-pbx's PhoneClient. */
class FarPhone extends EventEmitter implements TestPhone {
  readonly messages: PhoneMessage[] = [];
  private readonly live = new Map<string, { answered: boolean }>();
  constructor(
    readonly endpoint: string,
    private readonly api: (cmd: string) => Promise<string>,
  ) {
    super();
  }
  /** The far profile's ringing or answered legs for this phone, as listed now. */
  seen(rows: Row[]): void {
    const mine = rows.filter(
      (r) => r.direction === 'inbound' && r.dest === `ctl-${this.endpoint.split('/').pop()}`,
    );
    for (const r of mine)
      if (!this.live.has(r.uuid)) {
        this.live.set(r.uuid, { answered: false });
        this.note({ type: 'invite', endpoint: this.endpoint, channelId: r.uuid });
      }
    for (const [uuid, leg] of this.live)
      if (!mine.some((r) => r.uuid === uuid)) {
        this.live.delete(uuid);
        this.note({ type: leg.answered ? 'hungup' : 'cancelled', endpoint: this.endpoint, channelId: uuid });
      }
  }
  private note(m: PhoneMessage): void {
    this.messages.push(m);
    this.emit(m.type, m);
  }
  answer(channelId: string): void {
    const leg = this.live.get(channelId);
    if (leg) leg.answered = true;
    void this.api(`uuid_answer ${channelId}`).then(() =>
      this.note({ type: 'ok', request: 'answer', endpoint: this.endpoint, channelId }),
    );
  }
  reject(channelId: string, code = 486): void {
    void this.api(`uuid_kill ${channelId} ${code === 486 ? 'USER_BUSY' : 'CALL_REJECTED'}`);
  }
  hangup(channelId: string): void {
    void this.api(`uuid_kill ${channelId}`);
  }
  close(): void {
    this.removeAllListeners();
  }
}

export async function realFreeswitchBackend(logger: Logger): Promise<Backend> {
  const drachtio = parse(env.DRACHTIO_URL!);
  const esl = parse(env.FREESWITCH_ESL!);
  const link = await relay(drachtio);
  const phones = new Map<string, FarPhone>();
  const port = new DrachtioAdapter({
    drachtio: { host: '127.0.0.1', port: link.port, secret: drachtio.secret },
    freeswitch: { host: esl.host, port: esl.port, password: esl.secret },
    agentUri: (id) => `sip:${phones.has(`PJSIP/${id}`) ? 'ctl' : 'gone'}-${id}@${env.FAR_SIP}`,
    partnerUri: (_p, d) => `sip:${d}@${env.FAR_SIP}`,
    logger,
  });
  // The test's own connection (originate, show channels, uuid_*).
  const srf: Srf = new SrfCtor();
  srf.connect(drachtio);
  await new Promise<void>((r) => srf.once('connect', r));
  const ms: FsMediaServer = await new MrfCtor(srf).connect({
    address: esl.host,
    port: esl.port,
    secret: esl.secret,
    listenAddress: '127.0.0.1',
    listenPort: 0,
  });
  const api = (cmd: string) => ms.api(cmd);
  const rows = async (): Promise<Row[]> =>
    (JSON.parse((await api('show channels as json')) || '{}') as { rows?: Row[] }).rows ?? [];
  const dump = async (uuid: string): Promise<Record<string, string> | null> => {
    const d = await api(`uuid_dump ${uuid} json`);
    return d.startsWith('{') ? (JSON.parse(d) as Record<string, string>) : null;
  };
  // The phones see their legs ring, answer and end as FreeSWITCH lists them.
  let polling = true;
  const poll = (async () => {
    while (polling) {
      if (phones.size > 0) {
        const now = await rows().catch(() => null);
        if (now) for (const p of phones.values()) p.seen(now);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const callers = new Map<string, { sipCallId: string; hungUpByUs: boolean }>();
  /** The FreeSWITCH leg the adapter answered the caller with (its dialog names the far leg's Call-ID). */
  const callerLeg = async (simId: string) => {
    const c = callers.get(simId);
    if (!c) return null;
    for (const r of await rows()) {
      const v = r.direction === 'inbound' && !r.name.startsWith('sofia/far/') ? await dump(r.uuid) : null;
      if (v?.['variable_sip_h_X-Sas-Acd-Leg'] !== 'caller') continue;
      if (decodeURIComponent(v['variable_sip_h_X-Sas-Acd-Dialog'] ?? '').startsWith(`${c.sipCallId};`))
        return { row: r, vars: v };
    }
    return null;
  };
  const agentOf = async (uuid: string) => (await dump(uuid))?.['variable_sip_h_X-Sas-Acd-Agent'] ?? null;

  return {
    port,
    async phone(endpoint) {
      const p = new FarPhone(endpoint, api);
      phones.set(endpoint, p);
      return p;
    },
    async inject(extra = {}) {
      const simId = randomUUID();
      const number = String(extra.callerNumber ?? '0612345678');
      const name = extra.callerName ? `,origination_caller_id_name='${String(extra.callerName)}'` : '';
      // Returns once the far leg is answered, i.e. once the adapter answered the caller: not awaited.
      void api(
        `originate {origination_uuid=${simId},origination_caller_id_number=${number}${name},ignore_early_media=true}sofia/far/sip:15@${env.DRACHTIO_SIP} &park()`,
      ).catch(() => {});
      let sipCallId = '';
      for (const until = Date.now() + 10_000; !sipCallId && Date.now() < until;)
        sipCallId =
          (await dump(simId))?.variable_sip_call_id ?? (await new Promise((r) => setTimeout(r, 20)), '');
      if (!sipCallId) throw new Error('the far caller was not placed');
      callers.set(simId, { sipCallId, hungUpByUs: false });
      return { simId, callId: engineCallId(sipCallId) };
    },
    async hangupCaller(simId) {
      callers.get(simId)!.hungUpByUs = true;
      await api(`uuid_kill ${simId}`);
    },
    async dropConnection() {
      link.cut();
    },
    async hears(simId) {
      const leg = await callerLeg(simId);
      if (!leg) return { music: false, agents: [] };
      const with_ = leg.vars.variable_bridge_to;
      if (with_) {
        // Bridged: the agent, whatever `show channels` still names as the last application (it
        // shows `playback` for a moment after the bridge, seen on the lab).
        const agent = await agentOf(with_);
        return { music: false, agents: agent ? [agent] : [] };
      }
      const music = leg.row.application === 'playback';
      if (leg.row.application === 'conference') {
        const name = leg.row.application_data.split('@')[0]!;
        const list = await api(`conference ${name} list`);
        const agents: string[] = [];
        for (const line of list.split('\n')) {
          const uuid = line.split(';')[2];
          if (!uuid || uuid === leg.row.uuid) continue;
          const agent = await agentOf(uuid);
          if (agent) agents.push(agent);
        }
        return { music, agents };
      }
      return { music, agents: [] };
    },
    async ended(simId) {
      if ((await api(`uuid_exists ${simId}`)).trim() === 'true') return null;
      return { by: callers.get(simId)?.hungUpByUs ? 'caller' : 'pbx', redirected: false };
    },
    async leftovers() {
      return (await rows()).length;
    },
    async close() {
      polling = false;
      await poll;
      await port.stop();
      for (const p of phones.values()) p.close();
      await api('hupall NORMAL_CLEARING').catch(() => {});
      ms.disconnect();
      srf.disconnect();
      await link.close();
    },
  };
}
