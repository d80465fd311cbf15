// Benchmark of the telephony path: from a caller's arrival at the PBX to the free agent's phone
// ringing, through the real ari-client, the ARI adapter and the engine.
//
// On sim-pbx (always): 20 calls/s. The simulator, its trunk and the phones run in another process
// (telephony-world.ts), as Asterisk would, and the simulator takes Asterisk 22's time per operation
// (simulator/pbx/timing.ts). In the same run: the same traffic on a sim-pbx whose operations are
// instant (what the simulator did before it modelled Asterisk's timing), and the baseline, a bare
// ari-client seeing StasisStart (what the ACD cannot go below).
//
// On a real Asterisk (ARI_URL set): arrival → ringing through the ACD and through Asterisk's own
// Queue() in a lab context, in the same run (telephony-asterisk.ts).
import ari from 'ari-client';
import { Writable } from 'node:stream';
import { createLogger } from '../ports/logger.js';
import { SiteShell } from '../shell/site-shell.js';
import { AriAdapter } from '../telephony/ari/ari-adapter.js';
import { ASTERISK_TIMING, INSTANT_TIMING, type PbxTiming } from '../../simulator/pbx/timing.js';
import { bigSite } from './core.js';
import { addBench } from './registry.js';
import { asteriskLatencies } from './telephony-asterisk.js';
import { callIndex, epochNow, startWorld } from './telephony-world.js';

const RATE = 20;
/** Calls sent first and not measured: the processes' first calls pay for compiling and connecting. */
const WARM_UP = 20;
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
}
const sortedOf = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** Arrival → the offered agent's phone invited, through engine + adapter, on a sim-pbx in its own process. */
export async function acdLatencies(count: number, timing: PbxTiming): Promise<number[]> {
  const config = bigSite(40, 0, 0);
  const world = await startWorld({ agents: config.agents.map((a) => a.id), timing });
  const adapter = new AriAdapter({
    url: world.info.ariUrl,
    user: world.info.user,
    password: world.info.password,
    app: world.info.app,
    endpointOf: (id) => `PJSIP/${id}`,
    logger: silent,
  });
  const runtime = await SiteShell.start({ config, logger: silent, effects: (f) => adapter.execute(f) });
  const numberOf = new Map<string, string>(); // callId → caller number
  const offers = new Map<string, string[]>(); // agent → caller numbers offered, in order
  runtime.onEvents((events) => {
    for (const e of events) {
      if (e.type === 'CallArrived' && e.callerNumber) numberOf.set(e.callId, e.callerNumber);
      if (e.type === 'CallOffered') {
        const list = offers.get(e.agentId) ?? [];
        list.push(numberOf.get(e.callId) ?? '');
        offers.set(e.agentId, list);
      }
      // The agent talks 100 ms, then ends the call as a panel does (the engine's hang-up).
      if (e.type === 'CallConnected') {
        const { callId, agentId } = e;
        setTimeout(() => void runtime.dispatch({ type: 'hangUp', callId, agentId }), 100);
      }
    }
  });
  await adapter.start((cmd, at) => runtime.dispatch(cmd, at));
  for (const a of config.agents) await runtime.dispatch({ type: 'agentLogin', agentId: a.id });
  await world.drive(0, WARM_UP, RATE);
  await world.drive(WARM_UP, count, RATE);
  await sleep(500);
  const rec = await world.stop();
  await runtime.stop();
  await adapter.stop();
  // Each offer rings its agent's phone once (they all answer): the n-th invite is the n-th offer.
  const latencies: number[] = [];
  for (const [agent, numbers] of offers) {
    const invites = rec.invites[agent] ?? [];
    numbers.forEach((num, i) => {
      const t0 = rec.sent[num];
      const t1 = invites[i];
      if (t0 !== undefined && t1 !== undefined && callIndex(num) >= WARM_UP) latencies.push(t1 - t0);
    });
  }
  return latencies;
}

async function baselineLatencies(count: number): Promise<number[]> {
  const world = await startWorld({ agents: [], timing: ASTERISK_TIMING });
  const client = (await ari.connect(
    world.info.ariUrl,
    world.info.user,
    world.info.password,
  )) as unknown as import('node:events').EventEmitter & {
    start(app: string): Promise<void>;
    stop(): void;
  };
  const seen = new Map<string, number>();
  client.on('StasisStart', (e: { channel?: { caller?: { number?: string } } }) => {
    seen.set(e.channel?.caller?.number ?? '', epochNow());
  });
  await client.start(world.info.app);
  await world.drive(0, WARM_UP, RATE);
  await world.drive(WARM_UP, count, RATE);
  await sleep(300);
  client.stop();
  const rec = await world.stop();
  return [...seen].flatMap(([num, t]) =>
    rec.sent[num] === undefined || callIndex(num) < WARM_UP ? [] : [t - rec.sent[num]!],
  );
}

addBench('telephony', {
  description:
    'arrival → free agent ringing at 20 calls/s through ari-client, the adapter and the engine, on sim-pbx ' +
    "(Asterisk 22's timing, in its own process) and, with ARI_URL, on Asterisk beside its own Queue()",
  run: async ({ quick }) => {
    const count = quick ? 60 : 300;
    // Interleaved halves, so that a machine busy with something else weighs on both alike.
    const modelled: number[] = [];
    const instant: number[] = [];
    for (let round = 0; round < 2; round++) {
      modelled.push(...(await acdLatencies(count / 2, ASTERISK_TIMING)));
      instant.push(...(await acdLatencies(count / 2, INSTANT_TIMING)));
    }
    const acd = sortedOf(modelled);
    const fast = sortedOf(instant);
    const base = sortedOf(await baselineLatencies(count));
    const onAsterisk = await asteriskLatencies(quick ? 40 : 150, 2);
    const asterisk =
      'skipped' in onAsterisk
        ? onAsterisk
        : (() => {
            const a = sortedOf(onAsterisk.acdMs);
            const q = sortedOf(onAsterisk.appQueueMs);
            const p99 = quantile(a, 0.99);
            const p99q = quantile(q, 0.99);
            return {
              calls: onAsterisk.calls,
              callsPerSecond: onAsterisk.callsPerSecond,
              measuredAcd: a.length,
              measuredAppQueue: q.length,
              p50ArrivalToRingMs: quantile(a, 0.5),
              p99ArrivalToRingMs: p99,
              p50AppQueueMs: quantile(q, 0.5),
              p99AppQueueMs: p99q,
              p99RatioToAppQueue: p99 !== null && p99q ? Math.round((p99 / p99q) * 100) / 100 : null,
            };
          })();
    return {
      callsPerSecond: RATE,
      calls: count,
      measured: acd.length,
      simPbxTiming: ASTERISK_TIMING,
      p50ArrivalToRingMs: quantile(acd, 0.5),
      p99ArrivalToRingMs: quantile(acd, 0.99),
      instantSimPbxP50ArrivalToRingMs: quantile(fast, 0.5),
      instantSimPbxP99ArrivalToRingMs: quantile(fast, 0.99),
      baselineP50ArrivalToStasisStartMs: quantile(base, 0.5),
      baselineP99ArrivalToStasisStartMs: quantile(base, 0.99),
      baseline: 'a bare ari-client seeing StasisStart for the same traffic on its own sim-pbx',
      p99AppQueueMs: 'skipped' in asterisk ? null : asterisk.p99AppQueueMs,
      asterisk,
      target: { p99ArrivalToRingMs: 20, onAsteriskP99RatioToAppQueue: 1.5 },
    };
  },
});
