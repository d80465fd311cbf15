// Port-level scenarios of the drachtio adapter against a REAL drachtio-server and FreeSWITCH, with
// FreeSWITCH's own "far" SIP profile playing the callers (originate to drachtio's SIP side) and the
// phones (a context that rings 1 s, answers and parks; busy-* answers 486; slow-* rings 20 s, so
// that the adapter's ring timeout or the caller's hang-up cancels it). Runs only with DRACHTIO_URL
// (drachtio://<secret>@host:9022), FREESWITCH_ESL (esl://<password>@host:8021), DRACHTIO_SIP
// (drachtio's SIP host:port) and FAR_SIP (the far profile's host:port) set; reported as skipped
// otherwise. The FreeSWITCH configuration needs, beside freeswitch-config/freeswitch.xml's, a profile
// "far" with context "far" (docs/freeswitch.md, "What was run against real servers"). Each test ends
// with no channel left on FreeSWITCH (show channels).
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { createLogger } from '../../../src/ports/logger.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { MrfCtor, SrfCtor, type FsMediaServer, type Srf } from '../../../src/telephony/drachtio/libs.js';

const env = process.env;
const enabled = Boolean(env.DRACHTIO_URL && env.FREESWITCH_ESL && env.DRACHTIO_SIP && env.FAR_SIP);
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const parse = (raw: string) => {
  const u = new URL(raw);
  return { host: u.hostname, port: Number(u.port), secret: decodeURIComponent(u.username || u.password) };
};

async function until<T>(
  find: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Row = {
  uuid: string;
  name: string;
  application: string;
  application_data: string;
  call_uuid: string;
  dest: string;
  cid_num: string;
};

describe.skipIf(!enabled)(
  'drachtio adapter, real drachtio-server + FreeSWITCH, FreeSWITCH as the far end',
  () => {
    const drachtio = enabled ? parse(env.DRACHTIO_URL!) : { host: '', port: 0, secret: '' };
    const esl = enabled ? parse(env.FREESWITCH_ESL!) : { host: '', port: 0, secret: '' };
    const adapters: DrachtioAdapter[] = [];
    let ctl: { srf: Srf; ms: FsMediaServer } | null = null;
    const commands: Command[] = [];

    const newAdapter = async (sink = (cmd: Command) => void commands.push(cmd)) => {
      const a = new DrachtioAdapter({
        drachtio,
        freeswitch: { host: esl.host, port: esl.port, password: esl.secret },
        agentUri: (id) => `sip:${id}@${env.FAR_SIP}`,
        partnerUri: (_p, d) => `sip:${d}@${env.FAR_SIP}`,
        outboundUri: (n) => `sip:${n}@${env.FAR_SIP}`,
        logger: silent,
      });
      await a.start((cmd) => sink(cmd));
      adapters.push(a);
      return a;
    };
    /** A second inbound event socket for the test's own commands (originate, show channels, DTMF). */
    const control = async () => {
      if (ctl) return ctl.ms;
      const srf = new SrfCtor();
      srf.connect(drachtio);
      await new Promise<void>((r) => srf.once('connect', r));
      const ms = await new MrfCtor(srf).connect({
        address: esl.host,
        port: esl.port,
        secret: esl.secret,
        listenAddress: '127.0.0.1',
        listenPort: 0,
      });
      ctl = { srf, ms };
      return ms;
    };
    const channels = async (): Promise<Row[]> =>
      (JSON.parse((await (await control()).api('show channels as json')) || '{}') as { rows?: Row[] }).rows ??
      [];
    /** A caller on the far profile dialling 15 through drachtio; returns the far leg's uuid. */
    const call = async (number = '0612345678') => {
      const ms = await control();
      // originate returns only once the far leg is answered, i.e. once the adapter has answered the
      // caller: not awaited (its uuid chosen here); an error shows in the test's own waits.
      const uuid = randomUUID();
      void ms
        .api(
          `originate {origination_uuid=${uuid},origination_caller_id_number=${number},ignore_early_media=true}sofia/far/sip:15@${env.DRACHTIO_SIP} &park()`,
        )
        .catch(() => {});
      return uuid;
    };

    const arrived = () =>
      until(
        () =>
          commands.find((c) => c.type === 'arriveCall') as
            Extract<Command, { type: 'arriveCall' }> | undefined,
        'arrival',
      );
    const mediaOf = async (callId: string) => {
      const rows = await channels();
      for (const r of rows) {
        const dump = await (await control()).api(`uuid_dump ${r.uuid} json`);
        if (!dump.startsWith('{')) continue; // gone meanwhile
        const v = JSON.parse(dump) as Record<string, string>;
        if (
          decodeURIComponent(v['variable_sip_h_X-Sas-Acd-Call'] ?? '') === callId &&
          v['variable_sip_h_X-Sas-Acd-Leg'] === 'caller'
        )
          return { row: r, vars: v };
      }
      return null;
    };
    const clean = () =>
      until(async () => (await channels()).length === 0, 'no channel left on FreeSWITCH (show channels)');

    afterEach(async () => {
      for (const a of adapters.splice(0)) await a.stop();
      commands.splice(0);
      const ms = await control();
      await ms.api('hupall NORMAL_CLEARING');
    });

    it('holds a caller with music, bridges an agent, hangs up: nothing left', async () => {
      const a = await newAdapter();
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      const held = await until(
        async () => (await mediaOf(callId))?.row.application === 'playback' && (await mediaOf(callId)),
        'music on hold',
      );
      expect(held.row.application_data).toMatch(/^local_stream:\/\/default/);
      await a.execute({ type: 'ringAgent', callId, agentId: 'arm-1', autoAnswer: false, timeoutSeconds: 10 });
      await until(() => commands.some((c) => c.type === 'answerOffer'), 'agent answered');
      await a.execute({ type: 'connectAgent', callId, agentId: 'arm-1', conference: false });
      await until(
        async () =>
          ((await mediaOf(callId))?.row.call_uuid ?? '') !== '' ||
          (await mediaOf(callId))?.vars.variable_bridge_uuid,
        'bridged',
      );
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);

    it("reports the caller's DTMF (RFC 2833 through drachtio) after the callback offer", async () => {
      const a = await newAdapter();
      const far = await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await until(async () => (await mediaOf(callId))?.row.application === 'playback', 'held');
      await a.execute({ type: 'offerCallback', callId });
      await (await control()).api(`uuid_send_dtmf ${far} 1`);
      await until(
        () => commands.some((c) => c.type === 'acceptCallback' && c.callId === callId),
        'acceptCallback',
      );
      await a.execute({ type: 'hangUp', callId, reason: 'callback-accepted' });
      await clean();
    }, 30_000);

    it('a partner redirect FreeSWITCH refuses (one-legged call) keeps the caller: redirectFailed, then answered', async () => {
      const a = await newAdapter();
      const far = await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await until(async () => (await mediaOf(callId))?.row.application === 'playback', 'held');
      // The far leg is parked alone: FreeSWITCH answers the REFER with a 403 NOTIFY at once.
      await a.execute({
        type: 'redirectToPartner',
        callId,
        partnerId: '85',
        destination: '0199000085',
        queueId: 'n1',
      });
      const back = `${callId}_r1`;
      expect(commands.find((c) => c.type === 'redirectFailed')).toEqual({
        type: 'redirectFailed',
        callId: back,
        redirectedCallId: callId,
        partnerId: '85',
        line: '15',
        callerNumber: '0612345678',
        callerName: null,
        queue: 'n1',
      });
      // What the engine does next: the old call's hang-up (nothing to cut), the new one held.
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await a.execute({ type: 'holdCaller', callId: back, queueId: 'n1', music: 'default' });
      // Still up on both sides, found under its new id (what a take-over reads).
      expect((await channels()).some((r) => r.uuid === far)).toBe(true);
      await until(async () => (await mediaOf(back))?.row.application === 'playback', 'held again');
      expect(commands.some((c) => c.type === 'callerHungUp')).toBe(false);
      await a.execute({
        type: 'ringAgent',
        callId: back,
        agentId: 'arm-1',
        autoAnswer: false,
        timeoutSeconds: 10,
      });
      await until(
        () => commands.some((c) => c.type === 'answerOffer' && c.callId === back),
        'agent answered',
      );
      await a.execute({ type: 'connectAgent', callId: back, agentId: 'arm-1', conference: false });
      await until(async () => (await mediaOf(back))?.vars.variable_bridge_uuid, 'bridged');
      await a.execute({ type: 'hangUp', callId: back, reason: 'normal' });
      await clean();
    }, 30_000);

    it('tells a first answer only once the caller is bridged with the agent (answer-on-join)', async () => {
      const a = await newAdapter();
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await until(async () => (await mediaOf(callId))?.row.application === 'playback', 'held');
      // Not awaited: the ring effect ends once the answer is told.
      const ringing = a.execute({
        type: 'ringAgent',
        callId,
        agentId: 'arm-1',
        autoAnswer: false,
        timeoutSeconds: 10,
      });
      await until(() => commands.some((c) => c.type === 'answerOffer' && c.callId === callId), 'answer told');
      // Bridged on FreeSWITCH already, before any connectAgent.
      const m = await mediaOf(callId);
      expect(m?.vars.variable_bridge_uuid || m?.row.call_uuid).toBeTruthy();
      await ringing;
      await a.execute({ type: 'connectAgent', callId, agentId: 'arm-1', conference: false }); // nothing more
      expect((await channels()).length).toBe(4); // the far caller and phone, and their two FreeSWITCH legs
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);

    it('reports a busy phone and destroys the unused endpoint', async () => {
      const a = await newAdapter();
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await a.execute({
        type: 'ringAgent',
        callId,
        agentId: 'busy-1',
        autoAnswer: false,
        timeoutSeconds: 10,
      });
      await until(() => commands.some((c) => c.type === 'offerFailed' && c.reason === 'busy'), 'busy');
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);

    it('listen-in: the supervisor phone eavesdrops on the agent channel (whisper), then is hung up', async () => {
      const a = await newAdapter();
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await a.execute({ type: 'ringAgent', callId, agentId: 'arm-1', autoAnswer: false, timeoutSeconds: 10 });
      await until(() => commands.some((c) => c.type === 'answerOffer'), 'agent answered');
      await a.execute({ type: 'connectAgent', callId, agentId: 'arm-1', conference: false });
      await a.execute({
        type: 'listenIn',
        callId,
        supervisorId: 'sup-1',
        agentId: 'arm-1',
        mode: 'whisper',
        autoAnswer: false,
      });
      const spy = await until(
        async () => (await channels()).find((r) => r.application === 'eavesdrop'),
        'the supervisor leg eavesdropping',
      );
      const vars = JSON.parse(await (await control()).api(`uuid_dump ${spy.uuid} json`)) as Record<
        string,
        string
      >;
      expect(vars.variable_eavesdrop_whisper_bleg).toBe('true');
      expect(vars.variable_eavesdrop_enable_dtmf).toBe('false');
      expect(commands.some((c) => c.type === 'stopListening')).toBe(false);
      await a.execute({ type: 'stopListening', callId, supervisorId: 'sup-1' });
      await until(
        async () => !(await channels()).some((r) => r.application === 'eavesdrop'),
        'eavesdrop gone',
      );
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);

    it('outside transfer: the number joins the call, the agent is released, caller and number stay; a busy number ends only its call', async () => {
      const a = await newAdapter();
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await a.execute({ type: 'ringAgent', callId, agentId: 'arm-1', autoAnswer: false, timeoutSeconds: 10 });
      await until(() => commands.some((c) => c.type === 'answerOffer'), 'agent answered');
      await a.execute({ type: 'connectAgent', callId, agentId: 'arm-1', conference: false });
      await until(async () => (await mediaOf(callId))?.row.application === 'uuid_bridge', 'bridged');
      const dial = (id: string, number: string) =>
        a.execute({
          type: 'dialOut',
          callId: id,
          agentId: 'arm-1',
          number,
          purpose: 'external-transfer',
          parentCallId: callId,
        });
      // A busy number: only the outbound call ends; the caller is still bridged with the agent.
      await dial('out-busy', 'busy-0115000000');
      await until(
        () => commands.some((c) => c.type === 'callerHungUp' && c.callId === 'out-busy'),
        'the busy outbound call ended',
      );
      expect((await mediaOf(callId))?.row.application).toBe('uuid_bridge');
      // A number that answers joins the call; the engine then releases the agent (as it would).
      await dial('out-1', '0118000000');
      await until(
        () => commands.some((c) => c.type === 'outsideAnswered' && c.callId === 'out-1'),
        'outsideAnswered',
      );
      await a.execute({ type: 'releaseAgent', callId, agentId: 'arm-1' });
      await until(
        async () => (await mrfLegs()) === 'caller:conference outbound:conference',
        'the caller and the number alone in the conference',
      );
      expect(commands.some((c) => c.type === 'agentLegLost' || c.type === 'offerFailed')).toBe(false);
      await a.execute({ type: 'hangUp', callId: 'out-1', reason: 'normal' });
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);

    /** The adapter's own legs on FreeSWITCH (drachtio_mrf), as "<X-Sas-Acd-Leg>:<application>", sorted. */
    const mrfLegs = async () => {
      const out: string[] = [];
      for (const r of await channels()) {
        if (!r.name.includes('drachtio_mrf')) continue;
        const dump = await (await control()).api(`uuid_dump ${r.uuid} json`);
        if (!dump.startsWith('{')) continue;
        const v = JSON.parse(dump) as Record<string, string>;
        out.push(`${v['variable_sip_h_X-Sas-Acd-Leg']}:${r.application}`);
      }
      return out.sort().join(' ');
    };
    /** A caller held, then bridged with arm-1. */
    const connected = async (a: DrachtioAdapter) => {
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await a.execute({ type: 'ringAgent', callId, agentId: 'arm-1', autoAnswer: false, timeoutSeconds: 10 });
      await until(() => commands.some((c) => c.type === 'answerOffer' && c.agentId === 'arm-1'), 'arm-1');
      await a.execute({ type: 'connectAgent', callId, agentId: 'arm-1', conference: false });
      await until(async () => (await mrfLegs()) === 'agent:uuid_bridge caller:uuid_bridge', 'bridged');
      return callId;
    };

    it('transfers without cutting the caller: back on music, then bridged with the next agent', async () => {
      const a = await newAdapter();
      const callId = await connected(a);
      await a.execute({ type: 'holdCaller', callId, queueId: 'n2', music: 'default' });
      await a.execute({ type: 'releaseAgent', callId, agentId: 'arm-1' });
      await until(async () => (await mrfLegs()) === 'caller:playback', 'the caller alone with music');
      await a.execute({ type: 'ringAgent', callId, agentId: 'amu-1', autoAnswer: false, timeoutSeconds: 10 });
      await until(() => commands.some((c) => c.type === 'answerOffer' && c.agentId === 'amu-1'), 'amu-1');
      await a.execute({ type: 'connectAgent', callId, agentId: 'amu-1', conference: false });
      await until(async () => (await mrfLegs()) === 'agent:uuid_bridge caller:uuid_bridge', 'bridged again');
      expect(commands.some((c) => c.type === 'callerHungUp' || c.type === 'agentLegLost')).toBe(false);
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);

    it('brings a third party in: caller, agent and doctor in one conference; hang-up leaves nothing', async () => {
      const a = await newAdapter();
      const callId = await connected(a);
      await a.execute({ type: 'ringAgent', callId, agentId: 'doc-1', autoAnswer: false, timeoutSeconds: 10 });
      await until(() => commands.some((c) => c.type === 'answerOffer' && c.agentId === 'doc-1'), 'doc-1');
      await a.execute({ type: 'connectAgent', callId, agentId: 'doc-1', conference: true });
      await until(
        async () => (await mrfLegs()) === 'agent:conference agent:conference caller:conference',
        'three in the conference',
      );
      await a.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);

    it('a phone that does not answer is cancelled (no-answer); one the caller leaves ringing is cancelled too', async () => {
      const a = await newAdapter();
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await a.execute({ type: 'ringAgent', callId, agentId: 'slow-1', autoAnswer: false, timeoutSeconds: 1 });
      await until(
        () => commands.some((c) => c.type === 'offerFailed' && c.reason === 'no-answer'),
        'no-answer after the ring timeout',
      );
      await until(async () => (await mrfLegs()) === 'caller:playback', 'the unused endpoint destroyed');
      // execute() of a ring returns when the ring ends: not awaited here.
      const ringing = a.execute({
        type: 'ringAgent',
        callId,
        agentId: 'slow-2',
        autoAnswer: false,
        timeoutSeconds: 10,
      });
      await until(async () => (await channels()).some((r) => r.dest === 'slow-2'), 'slow-2 rings');
      const far = (await channels()).find((r) => r.name.startsWith('sofia/far/') && r.dest === '15');
      await (await control()).api(`uuid_kill ${far!.uuid}`); // the caller hangs up
      await until(
        () => commands.some((c) => c.type === 'callerHungUp' && c.callId === callId),
        'caller gone',
      );
      await ringing;
      expect(commands.filter((c) => c.type === 'offerFailed')).toHaveLength(1);
      await clean();
    }, 30_000);

    it('take-over: a new process binds the old dialogs (in-dialog INFO by id), adopts the held caller, sees its BYE', async () => {
      const a = await newAdapter();
      const far = await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await until(async () => (await mediaOf(callId))?.row.application === 'playback', 'held');
      await a.stop(); // the old process goes: drachtio keeps the dialogs, FreeSWITCH the channels
      adapters.splice(adapters.indexOf(a), 1);
      commands.splice(0);
      const b = await newAdapter();
      const hold = { type: 'holdCaller' as const, callId, queueId: 'n1', music: 'default' };
      const report = await b.adopt([
        { callId, direction: 'inbound', line: '15', agents: [], ring: null, hold },
      ]);
      expect(report).toMatchObject({ callers: 1, gone: 0, strays: 0, held: 1 });
      await (await control()).api(`uuid_kill ${far}`); // the caller hangs up: its BYE must reach b
      await until(
        () => commands.some((c) => c.type === 'callerHungUp' && c.callId === callId),
        'callerHungUp seen by the new process',
      );
      await clean();
    }, 30_000);

    it('take-over between a first answer bridged and the engine told: the next process keeps the phone and tells the answer', async () => {
      // The old process dies right after the bridge: its answerOffer never reaches the engine.
      let dead = false;
      const a = await newAdapter((cmd) => {
        if (cmd.type === 'answerOffer') dead = true;
        if (!dead) commands.push(cmd);
      });
      await call();
      const { callId } = await arrived();
      await a.execute({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
      await until(async () => (await mediaOf(callId))?.row.application === 'playback', 'held');
      const ring = {
        type: 'ringAgent' as const,
        callId,
        agentId: 'arm-1',
        autoAnswer: false,
        timeoutSeconds: 10,
      };
      await a.execute(ring); // done once the INVITE is out (ring-sent.ts): the answer comes later
      await until(async () => dead, 'the answer bridged and told');
      const bridged = (await mediaOf(callId))!.vars.variable_bridge_to;
      expect(bridged).toBeTruthy(); // the agent's FreeSWITCH leg
      await a.stop();
      adapters.splice(adapters.indexOf(a), 1);
      const b = await newAdapter();
      const hold = { type: 'holdCaller' as const, callId, queueId: 'n1', music: 'default' };
      const report = await b.adopt([{ callId, direction: 'inbound', line: '15', agents: [], ring, hold }]);
      expect(report).toMatchObject({ callers: 1, answers: 1, strays: 0, rung: 0, held: 0 });
      expect(commands.filter((c) => c.type === 'answerOffer')).toEqual([
        { type: 'answerOffer', callId, agentId: 'arm-1' },
      ]);
      // Still bridged with the same agent leg: never taken out, never cut and rung again.
      expect((await mediaOf(callId))!.vars.variable_bridge_to).toBe(bridged);
      expect((await channels()).length).toBe(4);
      await b.execute({ type: 'connectAgent', callId, agentId: 'arm-1', conference: false }); // nothing more
      expect((await mediaOf(callId))!.vars.variable_bridge_to).toBe(bridged);
      await b.execute({ type: 'hangUp', callId, reason: 'normal' });
      await clean();
    }, 30_000);
  },
);
