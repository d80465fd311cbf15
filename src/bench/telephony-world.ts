// The far side of the telephony benchmark, in its own process as Asterisk would be: sim-pbx, the
// trunk injecting callers at a steady rate, and the agents' phones. The ACD under test (engine +
// ARI adapter) runs in the parent; sharing its event loop with the simulator would charge the
// simulator's work to the ACD. Times are epoch milliseconds with sub-millisecond precision
// (performance.timeOrigin + performance.now()), comparable across processes on one machine.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PhoneClient } from '../../simulator/bots/phone-client.js';
import { startSimPbx } from '../../simulator/pbx/server.js';
import type { PbxTiming } from '../../simulator/pbx/timing.js';

const CHILD = 'SAS_ACD_TELEPHONY_WORLD';
export const epochNow = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export type WorldSetup = { agents: string[]; timing: Partial<PbxTiming> };
export type WorldInfo = { ariUrl: string; user: string; password: string; app: string };
/** Caller number → when its call was sent; agent → the times its phone was invited, in order. */
export type WorldRecord = { sent: Record<string, number>; invites: Record<string, number[]> };

export const callerNumber = (n: number): string => `06${String(n).padStart(8, '0')}`;
/** The sequence number a caller number was made from. */
export const callIndex = (num: string): number => Number(num.slice(2));

async function worldProcess(setup: WorldSetup): Promise<void> {
  const sim = await startSimPbx({ port: 0, timing: setup.timing });
  const rec: WorldRecord = { sent: {}, invites: {} };
  const phones: PhoneClient[] = [];
  for (const agent of setup.agents) {
    const phone = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agent}`);
    phone.on('invite', (m: { channelId: string }) => {
      (rec.invites[agent] ??= []).push(epochNow());
      // Answers and stays: the agent ends the call through the ACD (a phone that hangs up by itself
      // is a lost agent leg, which pauses the agent as unreachable).
      phone.answer(m.channelId);
    });
    phones.push(phone);
  }
  const inject = (n: number) =>
    fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: callerNumber(n), patienceSec: 30 }),
    });
  process.on('message', (m: { type: string; from?: number; count?: number; rate?: number }) => {
    if (m.type === 'go') {
      void (async () => {
        const start = performance.now();
        for (let n = m.from!; n < m.from! + m.count!; n++) {
          await sleep(start + ((n - m.from!) * 1000) / m.rate! - performance.now());
          rec.sent[callerNumber(n)] = epochNow();
          void inject(n);
        }
        process.send!({ type: 'sent' });
      })();
    }
    if (m.type === 'stop') {
      for (const p of phones) p.close();
      void sim.close().then(() => process.send!({ type: 'record', rec }, () => process.exit(0)));
    }
  });
  const info: WorldInfo = { ariUrl: sim.ariUrl, user: sim.user, password: sim.password, app: sim.app };
  process.send!({ type: 'ready', info });
}
if (process.env[CHILD]) void worldProcess(JSON.parse(process.env[CHILD]) as WorldSetup);

export type World = {
  info: WorldInfo;
  /** Injects `count` callers at `rate` per second, numbered from `from`; resolves when the last was sent. */
  drive(from: number, count: number, rate: number): Promise<void>;
  /** Stops the world and returns what it recorded. */
  stop(): Promise<WorldRecord>;
};

export async function startWorld(setup: WorldSetup): Promise<World> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [CHILD]: JSON.stringify(setup) },
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as Record<string, unknown>);
      };
      const onExit = (code: number | null) => reject(new Error(`telephony world exited with ${code}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next('ready');
  return {
    info: ready.info as WorldInfo,
    async drive(from, count, rate) {
      const sent = next('sent');
      child.send({ type: 'go', from, count, rate });
      await sent;
    },
    async stop() {
      const done = next('record');
      child.send({ type: 'stop' });
      return (await done).rec as WorldRecord;
    },
  };
}
