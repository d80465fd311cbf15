// The demo: the whole system on an embedded default, in one process — a local redis-server (when
// no REDIS_URL is given), sim-pbx or sim-fs (demo-pbx.ts), the ACD (engine + its PBX adapter + HTTP),
// bot agents on every seat but one ARM left for a person, and generated traffic. Every number here is ILLUSTRATIVE.
// The site's state lives in that Redis (the SiteShell on its Redis log, as `sas-acd serve` runs it);
// on a machine without redis-server, on the shell's in-memory log (same engine, API and screens).
import { randomBytes } from 'node:crypto';
import { InMemoryUserStore, seedDemoUsers } from '../../src/auth/index.js';
import { parseSiteConfig, type SiteConfig } from '../../src/core/config.js';
import { exampleSite } from '../../src/core/example-site.js';
import type { Event } from '../../src/core/events.js';
import { redisServerInstalled, startRedisServer, type RedisServer } from '../../src/store/redis-server.js';
import type { PbxKind } from '../../src/app/pbx.js';
import { startDemoPbx } from './demo-pbx.js';
import { PhoneClient } from '../bots/phone-client.js';
import { AgentBot } from '../load/agent-bot.js';
import { CallerInjector } from '../load/caller-injector.js';
import { ScriptBook } from '../load/script-book.js';
import { validateScenario } from '../traffic/scenario.js';
import { startAcdServer } from '../../src/app/acd-server.js';
import type { Logger } from '../../src/ports/logger.js';
import type { SiteHandle } from '../../src/ports/site-handle.js';
import { SiteShell } from '../../src/shell/site-shell.js';
import { withMorningRush, type Rush } from './morning-rush.js';
import { startDemoLrm } from './demo-lrm.js';
import type { ExampleLrm } from '../lrm/example-lrm.js';

export type DemoOptions = {
  port: number;
  callsPerHour: number;
  speed: number;
  seed: number;
  /** Seats left to people (their phones are not bots), e.g. ["arm-1"]. */
  humanSeats: string[];
  logger: Logger;
  redisUrl?: string;
  /** Keep the state in memory even when redis-server is installed (tests of the fallback). */
  memory?: boolean;
  /** Opening minutes at several times the rate, so a queue builds and drains (default: none). */
  rush?: Rush;
  /** sim-pbx + ARI adapter (default) or sim-fs + drachtio adapter (demo-pbx.ts). */
  pbx?: PbxKind;
  /** The example LRM receiving the call events (demo-lrm.ts); default on when there is a Redis. */
  lrm?: boolean;
};

export type DemoSummary = {
  injected: number;
  arrived: number;
  ended: number;
  abandoned: number;
  answered: number;
  waiting: number;
  simEnded: number;
  simAbandoned: number;
};

export type Demo = {
  urls: Record<string, string>;
  /** No redis-server: the state lives in this process (no persistence, archive or fail-over). */
  inMemory: boolean;
  site: SiteHandle;
  /** The simulated PBX's HTTP side (POST /sim/calls). */
  sim: { url: string };
  /** The example LRM receiving the call events (none without Redis or with `lrm: false`). */
  lrm: ExampleLrm | null;
  summary(): DemoSummary;
  /** Stops generating callers; calls already in the system go on. */
  stopTraffic(): void;
  stop(): Promise<void>;
};

/** The illustrative demo traffic: a made-up mix, NOT figures from the source documents. */
function demoScenario(callsPerHour: number, seed: number) {
  const parsed = validateScenario({
    seed,
    hours: 24,
    arrivals: { callsPerHour },
    lines: { '15': 0.8, '116117': 0.1, sdis: 0.1 },
    qualification: { P0: 0.03, P1: 0.3, P2: 0.4, DR: 0.27 },
    handlingSeconds: {
      n1: { dist: 'lognormal', mean: 60, sd: 30 },
      'n2-amu': { dist: 'lognormal', mean: 120, sd: 60 },
      'n2-mg': { dist: 'lognormal', mean: 150, sd: 60 },
      'reg-amu': { dist: 'lognormal', mean: 180, sd: 60 },
      'reg-mg': { dist: 'lognormal', mean: 180, sd: 60 },
      'book-mg': { dist: 'lognormal', mean: 90, sd: 30 },
    },
    regulation: { amu: 0.6, mg: 0.5, booking: 0.3 },
    patienceSeconds: { dist: 'exponential', mean: 240 },
    staff: { n1: 4, 'n2-amu': 2, 'n2-mg': 2 },
  });
  if (!parsed.ok) throw new Error(`demo scenario invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario;
}

export async function startDemo(o: DemoOptions): Promise<Demo> {
  const log = o.logger;
  let redis: RedisServer | null = null;
  const inMemory = !o.redisUrl && (o.memory === true || !redisServerInstalled());
  const redisUrl = inMemory ? undefined : o.redisUrl || (redis = await startRedisServer()).url;
  const parsed = parseSiteConfig(exampleSite);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const config: SiteConfig = parsed.config;
  const sim = await startDemoPbx(o.pbx ?? 'asterisk', config, log);
  const adapter = sim.adapter;
  // Effects are carried out by the writer once their events are persisted (docs/store.md).
  const site = await SiteShell.start({
    config,
    logger: log,
    effects: (f) => adapter.execute(f),
    ...(redisUrl ? { store: { redisUrl, archive: true } } : {}),
  });
  const counts = { arrived: 0, ended: 0, abandoned: 0, answered: 0 };
  site.onEvents((events: Event[]) => {
    for (const e of events) {
      if (e.type === 'CallArrived') counts.arrived++;
      if (e.type === 'CallConnected' && e.firstAnswer) counts.answered++;
      if (e.type === 'CallEnded') {
        counts.ended++;
        // Callers lost before any agent answered: what sim-pbx's ground truth can see too.
        if (e.outcome === 'abandoned' && !e.answered) counts.abandoned++;
      }
    }
  });
  await adapter.start((cmd, at) => {
    void site.dispatch(cmd, at).then((r) => {
      if (!r.ok) log.debug({ command: cmd.type, reason: r.reason }, 'telephony command refused');
    });
  });

  const scripts = new ScriptBook();
  const bots: AgentBot[] = [];
  const phones: PhoneClient[] = [];
  for (const a of config.agents) {
    if (a.roles.includes('supervisor') || o.humanSeats.includes(a.id)) continue;
    const phone = await PhoneClient.register(sim.endpointsWsUrl, a.endpoint ?? `PJSIP/${a.id}`);
    phones.push(phone);
    const bot = new AgentBot({
      site,
      agentId: a.id,
      phone,
      scripts,
      speed: o.speed,
      answerAfterMs: a.autoAnswer ? 0 : 1500 / o.speed,
      onError: (err) => log.warn({ err, agentId: a.id }, 'bot command failed'),
    });
    await bot.start();
    bots.push(bot);
  }

  const calls = withMorningRush(
    (rate) => demoScenario(rate, o.seed),
    o.callsPerHour,
    o.rush ?? { minutes: 0, factor: 1 },
  );
  const injector = new CallerInjector({
    simUrl: sim.url,
    calls,
    scripts,
    speed: o.speed,
    onError: (err) => log.warn({ err }, 'could not inject a call'),
  });

  const users = new InMemoryUserStore();
  await seedDemoUsers(users, { siteId: config.id });
  const lrm = redisUrl && o.lrm !== false ? await startDemoLrm(site, redisUrl, log) : null;
  const acd = await startAcdServer({
    port: o.port,
    sites: new Map([[config.id, site]]),
    users,
    logger: log,
    jwtSecret: randomBytes(32).toString('hex'),
    ...(redisUrl ? { redisUrl } : {}),
    telephonyConnected: () => adapter.connected,
    pbxCanListenIn: true, // both adapters listen in (ARI snoop, FreeSWITCH eavesdrop)
    ...(lrm ? { extraMetrics: [(registry) => lrm.link.registerMetrics(registry)] } : {}),
    web: { siteId: config.id, virtualPhoneUrl: sim.endpointsWsUrl },
  });
  // Traffic last: the first callers arrive once the API, the panels and the LRM can see them
  // (started earlier, a loaded machine had 70-110 calls in before the demo's URLs answered).
  injector.start();

  function summary(): DemoSummary {
    const truth = sim.groundTruth();
    return {
      injected: injector.injected,
      ...counts,
      waiting: Object.values(site.state.data.calls).filter((c) => c.pending && c.parties.length === 0).length,
      simEnded: truth.ended,
      simAbandoned: truth.abandoned,
    };
  }

  return {
    urls: {
      panel: `${acd.url}/arm.html`,
      wallboard: `${acd.url}/wallboard.html`,
      api: `${acd.url}/api/v1/docs`,
      metrics: `${acd.url}/metrics`,
      ...sim.urls,
      ...(redisUrl ? { redis: redisUrl } : {}),
      ...(lrm ? { lrm: lrm.url } : {}),
    },
    inMemory,
    site,
    sim,
    lrm: lrm?.lrm ?? null,
    summary,
    stopTraffic: () => injector.stop(),
    async stop() {
      injector.stop();
      for (const b of bots) b.stop();
      for (const p of phones) p.close();
      await lrm?.stop();
      await site.stop();
      await adapter.stop();
      await acd.close();
      await sim.close();
      await redis?.stop();
    },
  };
}
