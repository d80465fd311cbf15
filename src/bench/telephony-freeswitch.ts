// `sas-acd bench telephony --pbx freeswitch`: the same path as the telephony bench (a caller's
// arrival → the free agent's phone ringing, 20 calls/s, the engine in between) on the FreeSWITCH
// backend — sim-fs driven by the real drachtio-srf and drachtio-fsmrf through the drachtio adapter —
// beside the Asterisk figure measured in the same run. Baseline: the bare drachtio-srf round trip
// (trunk INVITE → a bare srf app's invite handler), what the ACD cannot go below.
import { Writable } from 'node:stream';
import { createLogger } from '../ports/logger.js';
import { SiteShell } from '../shell/site-shell.js';
import { DrachtioAdapter } from '../telephony/drachtio/drachtio-adapter.js';
import { SrfCtor } from '../telephony/drachtio/libs.js';
import { PhoneClient } from '../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../simulator/freeswitch/server.js';
import { bigSite } from './core.js';
import { addBench } from './registry.js';
import { ASTERISK_TIMING } from '../../simulator/pbx/timing.js';
import { acdLatencies } from './telephony.js';

const RATE = 20;
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const numberOf = (n: number) => `06${String(n).padStart(8, '0')}`;

function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
}

/** Callers dial at RATE per second; `sent` holds when each number dialled. */
async function drive(lab: SimFsServer, count: number, sent: Map<string, number>): Promise<void> {
  const start = performance.now();
  for (let n = 0; n < count; n++) {
    await sleep(Math.max(0, start + (n * 1000) / RATE - performance.now()));
    sent.set(numberOf(n), performance.now());
    lab.sim.injectCall({ line: '15', callerNumber: numberOf(n), patienceSec: 30 });
  }
}

async function fsLatencies(count: number): Promise<number[]> {
  const lab = await startSimFs();
  const config = bigSite(40, 0, 0);
  const adapter = new DrachtioAdapter({
    drachtio: lab.drachtio,
    freeswitch: lab.esl,
    agentUri: (id) => `sip:${id}@127.0.0.1:5060`,
    partnerUri: (_p, d) => `sip:${d}@127.0.0.1:5096`,
    logger: silent,
  });
  const runtime = await SiteShell.start({ config, logger: silent, effects: (f) => adapter.execute(f) });
  const sent = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const offeredTo = new Map<string, string>();
  const latencies: number[] = [];
  runtime.onEvents((events) => {
    for (const e of events) {
      if (e.type === 'CallArrived' && e.callerNumber)
        arrivedAt.set(e.callId, sent.get(e.callerNumber) ?? NaN);
      if (e.type === 'CallOffered') offeredTo.set(e.agentId, e.callId);
    }
  });
  await adapter.start((cmd, at) => runtime.dispatch(cmd, at));
  const phones: PhoneClient[] = [];
  for (const a of config.agents) {
    const phone = await PhoneClient.register(lab.endpointsWsUrl, `PJSIP/${a.id}`);
    phone.on('invite', (m: { channelId: string }) => {
      const t0 = arrivedAt.get(offeredTo.get(a.id) ?? '');
      if (t0 !== undefined && Number.isFinite(t0)) latencies.push(performance.now() - t0);
      phone.answer(m.channelId);
      setTimeout(() => phone.hangup(m.channelId), 100);
    });
    phones.push(phone);
    await runtime.dispatch({ type: 'agentLogin', agentId: a.id });
  }
  await drive(lab, count, sent);
  await sleep(500);
  for (const p of phones) p.close();
  await runtime.stop();
  await adapter.stop();
  await lab.close();
  return latencies;
}

async function baselineLatencies(count: number): Promise<number[]> {
  const lab = await startSimFs();
  const srf = new SrfCtor();
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  srf.invite((req, res) => {
    const t0 = sent.get(/sips?:([^@;>]+)@/.exec(req.get('From') ?? '')?.[1] ?? '');
    if (t0 !== undefined) latencies.push(performance.now() - t0);
    res.send(486);
  });
  srf.connect(lab.drachtio);
  await new Promise<void>((resolve) => srf.once('connect', resolve));
  await drive(lab, count, sent);
  await sleep(300);
  srf.disconnect();
  await lab.close();
  return latencies;
}

addBench('telephony-freeswitch', {
  description:
    'arrival → free agent ringing at 20 calls/s on FreeSWITCH (sim-fs, drachtio-srf + fsmrf, the drachtio adapter), beside Asterisk (sim-pbx)',
  run: async ({ quick }) => {
    const count = quick ? 60 : 300;
    const fs = (await fsLatencies(count)).sort((a, b) => a - b);
    const asterisk = (await acdLatencies(count, ASTERISK_TIMING)).sort((a, b) => a - b);
    const base = (await baselineLatencies(count)).sort((a, b) => a - b);
    return {
      callsPerSecond: RATE,
      calls: count,
      measured: fs.length,
      p50ArrivalToRingMs: quantile(fs, 0.5),
      p99ArrivalToRingMs: quantile(fs, 0.99),
      asteriskP50ArrivalToRingMs: quantile(asterisk, 0.5),
      asteriskP99ArrivalToRingMs: quantile(asterisk, 0.99),
      baselineP50InviteToSrfMs: quantile(base, 0.5),
      baselineP99InviteToSrfMs: quantile(base, 0.99),
      baseline: 'a bare drachtio-srf app seeing the trunk INVITE for the same traffic on its own sim-fs',
      note: 'simulators on one host; illustrative, not a real PBX figure',
    };
  },
});
