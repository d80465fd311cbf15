// Benchmark of the telephony path: from a caller's arrival at sim-pbx to the free agent's phone
// ringing, at 20 calls/s, through the real ari-client, the ARI adapter and the engine. Baseline in
// the same run: arrival to StasisStart seen by a bare ari-client on the same kind of sim-pbx (what
// the ACD cannot go below).
import { Writable } from 'node:stream';
import ari from 'ari-client';
import { createLogger } from '../app/logger.js';
import { SiteRuntime } from '../app/site-runtime.js';
import { AriAdapter } from '../telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../simulator/pbx/server.js';
import { bigSite } from './core.js';
import { addBench } from './registry.js';

const RATE = 20;
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
}

async function inject(sim: SimPbx, n: number): Promise<void> {
  await fetch(`${sim.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: `06${String(n).padStart(8, '0')}`, patienceSec: 30 }),
  });
}

/** Injects `count` callers at RATE per second, recording when each was sent. */
async function drive(sim: SimPbx, count: number, sent: Map<string, number>): Promise<void> {
  const start = performance.now();
  for (let n = 0; n < count; n++) {
    const due = start + (n * 1000) / RATE;
    await sleep(Math.max(0, due - performance.now()));
    sent.set(`06${String(n).padStart(8, '0')}`, performance.now());
    void inject(sim, n);
  }
}

export async function acdLatencies(count: number): Promise<number[]> {
  const sim = await startSimPbx({ port: 0 });
  const config = bigSite(40, 0, 0);
  const adapter = new AriAdapter({
    url: sim.ariUrl,
    user: sim.user,
    password: sim.password,
    app: sim.app,
    endpointOf: (id) => `PJSIP/${id}`,
    logger: silent,
  });
  const runtime = new SiteRuntime({ config, logger: silent, effects: (f) => adapter.execute(f) });
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
  runtime.start();
  const phones: PhoneClient[] = [];
  for (const a of config.agents) {
    const phone = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${a.id}`);
    phone.on('invite', (m: { channelId: string }) => {
      const t0 = arrivedAt.get(offeredTo.get(a.id) ?? '');
      if (t0 !== undefined && Number.isFinite(t0)) latencies.push(performance.now() - t0);
      phone.answer(m.channelId);
      setTimeout(() => phone.hangup(m.channelId), 100);
    });
    phones.push(phone);
    runtime.dispatch({ type: 'agentLogin', agentId: a.id });
  }
  await drive(sim, count, sent);
  await sleep(500);
  for (const p of phones) p.close();
  runtime.stop();
  await adapter.stop();
  await sim.close();
  return latencies;
}

async function baselineLatencies(count: number): Promise<number[]> {
  const sim = await startSimPbx({ port: 0 });
  const client = (await ari.connect(
    sim.ariUrl,
    sim.user,
    sim.password,
  )) as unknown as import('node:events').EventEmitter & {
    start(app: string): Promise<void>;
    stop(): void;
  };
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  client.on('StasisStart', (e: { channel?: { caller?: { number?: string } } }) => {
    const t0 = sent.get(e.channel?.caller?.number ?? '');
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  });
  await client.start(sim.app);
  await drive(sim, count, sent);
  await sleep(300);
  client.stop();
  await sim.close();
  return latencies;
}

addBench('telephony', {
  description:
    'arrival at sim-pbx → free agent ringing at 20 calls/s, through ari-client, the adapter and the engine',
  run: async ({ quick }) => {
    const count = quick ? 60 : 300;
    const acd = (await acdLatencies(count)).sort((a, b) => a - b);
    const base = (await baselineLatencies(count)).sort((a, b) => a - b);
    return {
      callsPerSecond: RATE,
      calls: count,
      measured: acd.length,
      p50ArrivalToRingMs: quantile(acd, 0.5),
      p99ArrivalToRingMs: quantile(acd, 0.99),
      baselineP50ArrivalToStasisStartMs: quantile(base, 0.5),
      baselineP99ArrivalToStasisStartMs: quantile(base, 0.99),
      baseline: 'a bare ari-client seeing StasisStart for the same traffic on its own sim-pbx',
      target: { p99ArrivalToRingMs: 20 },
    };
  },
});
