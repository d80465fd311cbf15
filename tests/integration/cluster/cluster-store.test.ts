// The store and the shell on a real Redis Cluster (3 masters, 3 replicas, started on loopback):
// every key of a site (BullMQ's included) in one slot and every Lua script legal there; a site's
// stream, writer lease and replay; a master killed during traffic (its replica is promoted, the
// ACD reconnects by itself, and with WAIT 1 no acknowledged event is lost).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReport } from '../../../src/cli/report.js';
import { commandOutcome } from '../../../src/shell/command-outcome.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { readHistory } from '../../../src/store/archive.js';
import { appendGroups } from '../../../src/store/event-log.js';
import { FleetMembership } from '../../../src/store/fleet-membership.js';
import { Archiver } from '../../../src/store/jobs/archiver.js';
import { CallbackWorklist } from '../../../src/store/jobs/callbacks.js';
import { effectsDone, encodeEffects, pendingEffects } from '../../../src/store/effect-outbox.js';
import { siteKeys } from '../../../src/store/keys.js';
import { Lease } from '../../../src/store/lease.js';
import type { RedisClusterServer } from '../../../src/store/redis-cluster-server.js';
import { saveSnapshot } from '../../../src/store/snapshot.js';
import { sleep, waitFor } from '../store/fixtures/redis.js';
import { next, siteConfig, startHarness } from '../api/harness.js';
import { TrafficDriver } from '../stored-site/fixtures/driver.js';
import { childConfig } from '../stored-site/fixtures/traffic.js';
import {
  clientOf,
  closeClients,
  clusterSkipReason,
  expectAcknowledgedKept,
  freshSiteId,
  readStream,
  silent,
  startCluster,
} from './fixtures/cluster.js';

let cluster: RedisClusterServer;
const shells: SiteShell[] = [];

beforeAll(async () => {
  if (!clusterSkipReason) cluster = await startCluster();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(shells.splice(0).map((s) => s.stop()));
  closeClients();
  await cluster?.stop();
});

async function startShell(siteId: string, extra: { replicas?: { count: number; timeoutMs: number } } = {}) {
  const shell = await SiteShell.start({
    config: childConfig(siteId),
    logger: silent,
    store: { redisUrl: cluster.target, snapshotEveryEvents: 40, ...extra },
  });
  shells.push(shell);
  return shell;
}

describe.skipIf(clusterSkipReason)(
  `store on a Redis Cluster${clusterSkipReason ? ` (skipped: ${clusterSkipReason})` : ''}`,
  () => {
    it('keeps every key of a site in one slot, and every Lua script runs there', async () => {
      const redis = clientOf(cluster);
      for (const site of ['44', '2A', 'sas-75', freshSiteId()]) {
        const keys = siteKeys(site);
        const names = [
          ...Object.values(keys).map((k) => (typeof k === 'string' ? k : k(3_600_000))),
          `${keys.bullPrefix}:callbacks:wait`,
          `${keys.bullPrefix}:lrm-webhooks:meta`,
        ];
        const slots = new Set<number>();
        for (const name of names) slots.add(Number(await redis.call('CLUSTER', 'KEYSLOT', name)));
        expect(slots.size, `keys of site ${site}`).toBe(1);
      }

      // Each script on a cluster client: a key of another slot would be refused (CROSSSLOT).
      const site = freshSiteId();
      const ran = new Set<string>();
      const lease = new Lease(redis, site);
      expect((await lease.tryAcquire()).acquired).toBe(true);
      ran.add('acquireLease-2');
      await lease.renew();
      ran.add('renewLease-1');
      const ids = await appendGroups(redis, site, lease.token, [
        { commandId: 'c1', commandMs: Date.now(), events: [{ type: 'Probe' }] },
      ]);
      // With WAIT 1: the shard's replica confirms the append.
      const replicated = await appendGroups(
        redis,
        site,
        lease.token,
        [{ commandId: 'c2', commandMs: Date.now(), events: [{ type: 'Probe' }] }],
        undefined,
        { count: 1, timeoutMs: 2_000 },
      );
      expect(replicated).toHaveLength(1);
      // The effect outbox: effects written with their events, in the same slot, then read and done.
      const withEffects = await appendGroups(
        redis,
        site,
        lease.token,
        [
          {
            commandId: 'c3',
            commandMs: Date.now(),
            events: [{ type: 'Probe' }],
            effects: encodeEffects('1-0', [{ type: 'probe' }]),
          },
        ],
        undefined,
        { count: 1, timeoutMs: 2_000 },
      );
      expect(withEffects).toHaveLength(1);
      const pending = await pendingEffects(redis, site, () => undefined);
      expect(pending.map((p) => p.id)).toEqual(['c3']);
      await effectsDone(redis, site, ['c3']);
      expect(await pendingEffects(redis, site, () => undefined)).toEqual([]);
      ran.add('appendEvents-4');
      await saveSnapshot(redis, site, lease.token, { n: 2 }, replicated[0]!, {});
      ran.add('saveSnapshot-3');
      // Where a command stands after an outcome-unknown answer: the processed zset, then the
      // commands stream, in one script on the site's slot.
      expect(await commandOutcome(redis, site, 'never-sent')).toBe('unknown');
      ran.add('commandStatus-2');
      expect(await lease.release()).toBe(true);
      ran.add('releaseLease-1');
      expect(ids).toHaveLength(1);
      const membership = new FleetMembership({ redis, fleet: site, processId: 'p1' });
      await membership.join();
      membership.stop();
      expect(membership.members).toEqual(['p1']);
      ran.add('fleetHeartbeat-1');
      const scripts = readdirSync(new URL('../../../src/store/lua/', import.meta.url)).map((f) =>
        f.replace(/\.lua$/, ''),
      );
      expect([...ran].sort()).toEqual(scripts.sort());

      // BullMQ's own scripts, under the site's prefix, on the cluster.
      const worklist = new CallbackWorklist(cluster.target, site);
      try {
        await worklist.schedule({ id: 'cb1', callId: 'c1', callerNumber: '0600000000' });
        const claim = await worklist.claim('arm-1');
        expect(claim?.task.id).toBe('cb1');
        await worklist.complete(claim!, 'done');
      } finally {
        await worklist.close();
      }
    });

    it("archives a site's hours on the cluster (WATCH and MULTI on the site's slot), from a BullMQ scheduler", async () => {
      const redis = clientOf(cluster);
      const site = freshSiteId();
      const h0 = Date.UTC(2026, 2, 2, 8);
      for (const [n, hours] of [0.2, 0.7, 1.5, 3.1].entries()) {
        const ms = h0 + Math.round(hours * 3_600_000);
        const event = { type: 'Called', at: ms, caller: '0600000000', n };
        await redis.xadd(siteKeys(site).events, `${ms}-${n}`, 'event', JSON.stringify(event), 'epoch', '1');
      }
      type Called = { type: 'Called'; at: number; caller: string | null; n: number };
      const archive = {
        site,
        isKnownEvent: (e: { type: string }): e is Called => e.type === 'Called',
        redact: (e: Called) => ({ ...e, caller: null }),
        timeOf: (e: Called) => e.at,
      };
      const archiver = await Archiver.start<Called>({
        ...archive,
        redis: cluster.target,
        everyMs: 3_600_000,
        clock: () => h0 + 3.5 * 3_600_000,
      });
      try {
        expect(await archiver.step()).toMatchObject({ hours: 2, events: 3, gaps: [] }); // hours 0 and 1
      } finally {
        await archiver.close();
      }
      const seen: Called[] = [];
      await readHistory(redis, { ...archive, from: h0, to: h0 + 4 * 3_600_000 }, (e) => seen.push(e));
      expect(seen.map((e) => [e.n, e.caller])).toEqual([
        [0, null],
        [1, null],
        [2, null],
        [3, null],
      ]);
    });

    it("runs a site's writer, stream and replay on the cluster", async () => {
      const siteId = freshSiteId();
      const writer = await startShell(siteId);
      await waitFor(() => writer.role === 'leader', 20_000);
      const driver = new TrafficDriver(writer, 3, 15);
      driver.start();
      await sleep(1_500);
      const results = await driver.stop();
      expect(results.filter((r) => r.ok).length).toBeGreaterThan(10);
      await writer.stop();
      const redis = clientOf(cluster);
      const entries = await readStream(redis, siteId);
      expectAcknowledgedKept(entries, results);
      // A new process replays the snapshot and the tail of the stream to the same state.
      const again = await startShell(siteId);
      await waitFor(() => again.role === 'leader', 20_000);
      expect(again.state.data).toEqual(writer.state.data);

      // `sas-acd report --redis-cluster` reads the site's history from the cluster.
      const dir = mkdtempSync(join(tmpdir(), 'sas-acd-report-cluster-'));
      writeFileSync(join(dir, 'site.json'), JSON.stringify(childConfig(siteId)));
      const seeds = cluster.target.cluster.map((n) => `${n.host}:${n.port}`).join(',');
      const report = async (...args: string[]) => {
        const program = new Command().exitOverride();
        registerReport(program);
        const said: string[] = [];
        const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void said.push(m));
        try {
          await program.parseAsync(['report', ...args], { from: 'user' });
        } finally {
          spy.mockRestore();
        }
        const code = process.exitCode;
        process.exitCode = undefined;
        return { code, said: said.join('\n') };
      };
      const out = join(dir, 'day.json');
      const args = ['--config', join(dir, 'site.json'), '--indicators', 'day', '--out', out];
      const good = await report('--redis-cluster', seeds, ...args);
      expect(good.code, good.said).toBeUndefined();
      const { spans } = JSON.parse(readFileSync(out, 'utf8')) as {
        spans: { h24: Record<string, unknown> }[];
      };
      const arrived = entries.filter((e) => (e.event as { type: string }).type === 'CallArrived').length;
      expect(arrived).toBeGreaterThan(0);
      expect(spans.reduce((n, s) => n + Number(s.h24['calls.arrived'] ?? 0), 0)).toBe(arrived);
      const bad = await report('--redis-cluster', 'nowhere', ...args);
      expect(bad.code).toBe(2);
      expect(bad.said).toContain('--redis-cluster: "nowhere" is not host:port');
    });

    it('shows a supervisor connected to process A a call that process B decided, in the next update', async () => {
      // Site "44" is the API harness's; this file's cluster is fresh, so its keys are empty.
      const b = await SiteShell.start({
        config: siteConfig('44'),
        logger: silent,
        store: { redisUrl: cluster.target },
      });
      shells.push(b);
      await waitFor(() => b.role === 'leader', 20_000);
      const a = await SiteShell.start({
        config: siteConfig('44'),
        logger: silent,
        store: { redisUrl: cluster.target, writer: false },
      });
      shells.push(a);
      const processB = await startHarness({
        sites: new Map([['44', b]]),
        redisUrl: cluster.target,
        publishes: () => b.role === 'leader',
      });
      const processA = await startHarness({
        sites: new Map([['44', a]]),
        redisUrl: cluster.target,
        publishes: () => a.role === 'leader',
      });
      try {
        const supervisor = processA.socket('/supervisor', await processA.token('sup44'), { sites: ['44'] });
        await next(supervisor, 'snapshot');
        const update = next<{ calls: { id: string }[] }>(supervisor, 'delta', (d) =>
          d.calls.some((c: { id: string }) => c.id === 'across-1'),
        );
        const arrived = await a.dispatch({
          type: 'arriveCall',
          callId: 'across-1',
          line: '15',
          callerNumber: null,
        });
        expect(arrived.ok).toBe(true);
        await update;
      } finally {
        await processA.stop();
        await processB.stop();
      }
    });

    it('loses no acknowledged event when a master is killed during traffic (WAIT 1), and reconnects', async () => {
      const siteId = freshSiteId();
      const site = await startShell(siteId, { replicas: { count: 1, timeoutMs: 500 } });
      await waitFor(() => site.role === 'leader', 20_000);
      const driver = new TrafficDriver(site, 11, 15);
      driver.start();
      await sleep(1_000);
      const master = await cluster.masterOf(siteKeys(siteId).events);
      const killedAt = Date.now();
      await master.kill('SIGKILL');
      const promoted = await cluster.waitForNewMaster(siteKeys(siteId).events, master);
      const promotedMs = Date.now() - killedAt;
      // The old master comes back as the new one's replica (what an orchestrator does): WAIT 1 can
      // be met again.
      await master.start();
      const accepted = await waitFor(
        async () => {
          const r = await site.dispatch({ type: 'agentLogin', agentId: childConfig(siteId).agents[0]!.id });
          // Any decision of the writer (an agent already logged in is refused): not a timeout.
          return r.ok || !['outcome-unknown', 'store-unavailable'].includes(r.reason) ? r : null;
        },
        30_000,
        200,
      );
      const reconnectedMs = Date.now() - killedAt;
      expect(accepted).toBeTruthy();
      await sleep(500);
      const results = await driver.stop();
      console.log(
        `master ${master.port} killed: replica ${promoted.port} promoted after ${promotedMs} ms, ` +
          `site answering again after ${reconnectedMs} ms; ${results.filter((r) => r.ok).length} of ` +
          `${results.length} commands acknowledged`,
      );
      const entries = await readStream(clientOf(cluster), siteId);
      expectAcknowledgedKept(entries, results);
    });
  },
);
