// The telephony benchmark on a real Asterisk (ARI_URL set), beside Asterisk's own app_queue in the
// same run: arrival → agent ringing through the ACD (Stasis, engine, adapter, originate) and through
// Queue() of the lab context [lab-app-queue] (asterisk-config/extensions-lab.conf, LAB ONLY).
// Both paths get the same callers: a Local channel originated into the lab dialplan (`15@from-trunk`
// for the ACD, `15@lab-app-queue` for the queue), and the same phones: one sipp answering for the
// lab endpoints load-agent-1…6 on 127.0.0.1:5080 (asterisk-config/pjsip-loadtest.conf). "Ringing" is
// the first event the bench's own ARI app hears about a new channel of those endpoints (it
// subscribes to them), the same rule for both paths.
import { spawn, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ari from 'ari-client';
import { createLogger } from '../ports/logger.js';
import { SiteShell } from '../shell/site-shell.js';
import { AriAdapter } from '../telephony/ari/ari-adapter.js';
import { bigSite } from './core.js';
import { epochNow } from './telephony-world.js';

const AGENTS = 6;
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

type BenchClient = import('node:events').EventEmitter & {
  start(app: string): Promise<void>;
  stop(): void;
  channels: {
    originate(p: Record<string, unknown>): Promise<{ id: string }>;
    hangup(p: { channelId: string }): Promise<void>;
  };
  applications: { subscribe(p: { applicationName: string; eventSource: string }): Promise<unknown> };
};

export type AsteriskFigures =
  { skipped: string } | { acdMs: number[]; appQueueMs: number[]; calls: number; callsPerSecond: number };

export async function asteriskLatencies(count: number, rate: number): Promise<AsteriskFigures> {
  const url = process.env.ARI_URL;
  if (!url) return { skipped: 'ARI_URL not set (a real Asterisk with asterisk-config/ and its lab files)' };
  if (spawnSync('sipp', ['-v']).error) return { skipped: 'sipp (Debian sip-tester) not installed' };
  const user = process.env.ARI_USER ?? 'sasacd';
  const password = process.env.ARI_PASSWORD ?? '';
  const app = process.env.ARI_APP ?? 'sasacd';
  const benchApp = `${app}-bench`;
  const endpoints = Array.from({ length: AGENTS }, (_, i) => `PJSIP/load-agent-${i + 1}`);

  // The phones: ring 1 s, or answer at once when the INVITE asks for it (the ACD's auto-answer);
  // hang up after 400 ms of conversation.
  const phones = spawn(
    'sipp',
    [
      '-sf',
      fileURLToPath(new URL('../../simulator/sipp/agent-phone.xml', import.meta.url)),
      '-i',
      '127.0.0.1',
      '-p',
      process.env.LAB_PHONES_PORT ?? '5080', // pjsip-loadtest.conf's contacts
      '-set',
      'ring_ms',
      '1000',
      '-set',
      'talk_ms',
      '400',
      '-nostdin',
    ],
    { stdio: 'ignore' },
  );
  const client = (await ari.connect(url, user, password)) as unknown as BenchClient;
  const rings: number[] = [];
  const seen = new Set<string>();
  const onChannel = (e: { channel?: { id: string; name: string } }) => {
    const ch = e.channel;
    if (!ch || seen.has(ch.id) || !ch.name.startsWith('PJSIP/load-agent-')) return;
    seen.add(ch.id);
    rings.push(epochNow());
  };
  for (const type of ['ChannelCreated', 'ChannelStateChange', 'Dial', 'ChannelDialplan'])
    client.on(type, (e: { channel?: { id: string; name: string }; peer?: { id: string; name: string } }) =>
      onChannel(type === 'Dial' ? { channel: e.peer } : e),
    );
  client.on('StasisStart', () => undefined);
  await client.start(benchApp);
  await client.applications.subscribe({
    applicationName: benchApp,
    eventSource: endpoints.map((e) => `endpoint:${e}`).join(','),
  });

  const config = bigSite(AGENTS, 0, 0);
  const endpointOf = (id: string) => endpoints[config.agents.findIndex((a) => a.id === id)] ?? `PJSIP/${id}`;
  const adapter = new AriAdapter({ url, user, password, app, endpointOf, logger: silent });
  const runtime = await SiteShell.start({ config, logger: silent, effects: (f) => adapter.execute(f) });
  try {
    await adapter.start((cmd, at) => runtime.dispatch(cmd, at));
    for (const a of config.agents) await runtime.dispatch({ type: 'agentLogin', agentId: a.id });
    await sleep(1000); // the phones' sipp is listening
    /** One caller every 1/rate s into `target`; the latency of call i is its first ring before call i+1. */
    const run = async (target: string, tag: string): Promise<number[]> => {
      rings.length = 0;
      const sent: number[] = [];
      const start = performance.now();
      for (let n = 0; n < count; n++) {
        await sleep(start + (n * 1000) / rate - performance.now());
        sent.push(epochNow());
        const id = `${tag}-${n}-${Date.now()}`;
        void client.channels
          .originate({
            endpoint: `Local/${target}`,
            app: benchApp,
            channelId: `${id}-1`,
            otherChannelId: `${id}-2`,
            callerId: `"bench ${n}" <0699${String(n).padStart(6, '0')}>`,
          })
          .then(() => sleep(1500))
          .then(() => client.channels.hangup({ channelId: `${id}-1` }))
          .catch(() => undefined);
      }
      await sleep(3000);
      return sent.flatMap((t0, i) => {
        const t = rings.find((r) => r >= t0 && (i + 1 >= sent.length || r < sent[i + 1]!));
        return t === undefined ? [] : [t - t0];
      });
    };
    const acdMs = await run('15@from-trunk', 'bench-acd');
    const appQueueMs = await run('15@lab-app-queue', 'bench-queue');
    return { acdMs, appQueueMs, calls: count, callsPerSecond: rate };
  } finally {
    await runtime.stop();
    await adapter.stop();
    client.stop();
    phones.kill('SIGTERM');
  }
}
