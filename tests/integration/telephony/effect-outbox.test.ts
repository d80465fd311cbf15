// The effect outbox against sim-pbx, as `serve` runs it (SiteShell `outbox: true`, take-over through
// src/app/pbx-take-over.ts): effects decided while no PBX link is usable wait and are carried out
// once, after the re-adoption (never an agent rung twice); effects a leader decided but never
// carried out (its link dropped, then it died) are carried out by the next leader; the outbox is
// empty afterwards and the PBX clean.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject as provided, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Command } from '../../../src/core/commands.js';
import type { SiteConfig } from '../../../src/core/config.js';
import type { Event } from '../../../src/core/events.js';
import { siteKeys } from '../../../src/store/keys.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { takeOverPbx } from '../../../src/app/pbx-take-over.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';
import { ariAdapter, silent, until } from './harness.js';

describe.each(['memory', 'redis'] as const)('the effect outbox (%s log)', (log) => {
  let sim: SimPbx;
  const shells: SiteShell[] = [];
  const adapters: AriAdapter[] = [];
  const phones: PhoneClient[] = [];
  let redis: Redis | null = null;

  afterEach(async () => {
    for (const p of phones.splice(0)) p.close();
    for (const s of shells.splice(0)) await s.stop();
    for (const a of adapters.splice(0)) await a.stop();
    redis?.disconnect();
    redis = null;
    await sim?.close();
  });

  function config(): SiteConfig {
    return exampleConfig((c) => {
      for (const a of c.agents as { autoAnswer: boolean }[]) a.autoAnswer = true;
      if (log === 'redis') c.id = `o${randomBytes(4).toString('hex')}`;
    });
  }

  async function site(cfg: SiteConfig, events: Event[]): Promise<{ shell: SiteShell; adapter: AriAdapter }> {
    const adapter = ariAdapter(sim, { onLink: () => undefined });
    const shell = await SiteShell.start({
      config: cfg,
      logger: silent,
      outbox: true,
      effects: async (f) => {
        if (!adapter.connected) throw new Error('no PBX link');
        await adapter.execute(f);
      },
      onEvents: (e) => events.push(...e),
      ...(log === 'redis' ? { store: { redisUrl: provided('redisUrl') } } : {}),
    });
    shells.push(shell);
    adapters.push(adapter);
    if (log === 'redis') await until(() => shell.role === 'leader', 'leader', 10_000);
    return { shell, adapter };
  }

  async function phone(agentId: string): Promise<PhoneClient> {
    const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agentId}`);
    p.autoAnswer(0);
    phones.push(p);
    return p;
  }

  async function inject(): Promise<{ simCallId: string; channelId: string }> {
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    expect(r.status).toBe(201);
    const body = (await r.json()) as { callId: string; channelId: string };
    return { simCallId: body.callId, channelId: body.channelId };
  }

  const invites = (p: PhoneClient) => p.messages.filter((m) => m.type === 'invite').length;
  const connected = (events: Event[], callId: string) =>
    events.filter((e) => e.type === 'CallConnected' && e.callId === callId).length;
  const outboxSize = async (siteId: string) => {
    if (log !== 'redis') return 0;
    redis ??= new Redis(provided('redisUrl'));
    return redis.hlen(siteKeys(siteId).effects);
  };

  it('carries out nothing before the take-over, then each effect once: the agent is rung once', async () => {
    sim = await startSimPbx({ port: 0 });
    const cfg = config();
    const events: Event[] = [];
    const { shell, adapter } = await site(cfg, events);
    const arm = await phone('arm-1');
    await adapter.start((c: Command, at: number) => void shell.dispatch(c, at));
    await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const call = await inject();
    // Decided (offered to arm-1), but the PBX is not taken over yet: nothing rings.
    await until(() => shell.state.data.calls[call.channelId]?.pending?.offer, 'offered to arm-1');
    await new Promise((r) => setTimeout(r, 200));
    expect(invites(arm)).toBe(0);
    expect(shell.carryingOutEffects).toBe(false);
    if (log === 'redis') expect(await outboxSize(cfg.id)).toBeGreaterThan(0);

    await takeOverPbx(shell, adapter, () => false, silent);
    await until(() => connected(events, call.channelId) === 1, 'connected after the take-over');
    await shell.settled();
    expect(invites(arm)).toBe(1); // the ring of the plan, not a second one from the outbox
    await until(async () => (await outboxSize(cfg.id)) === 0, 'outbox emptied');

    await shell.dispatch({ type: 'hangUp', callId: call.channelId, agentId: 'arm-1' });
    await until(() => sim.pbx.timelines.calls.get(call.simCallId)!.endedAtMs, 'caller released');
    expect(connected(events, call.channelId)).toBe(1);
    await shell.settled();
    await until(async () => (await outboxSize(cfg.id)) === 0, 'outbox emptied again');
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it.runIf(log === 'redis')(
    'carries out, as the next leader, the effects a dead leader decided and never carried out',
    async () => {
      sim = await startSimPbx({ port: 0 });
      const cfg = config();
      const events: Event[] = [];
      const first = await site(cfg, events);
      await phone('arm-1');
      await first.adapter.start((c, at) => void first.shell.dispatch(c, at));
      await takeOverPbx(first.shell, first.adapter, () => false, silent);
      await first.shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
      const call = await inject();
      await until(() => connected(events, call.channelId) === 1, 'connected');
      // The leader's PBX link drops before it notices; the agent ends the call meanwhile (the
      // hang-up cannot be carried out: it stays in the outbox); then the leader dies.
      await first.adapter.stop();
      expect(
        (await first.shell.dispatch({ type: 'hangUp', callId: call.channelId, agentId: 'arm-1' })).ok,
      ).toBe(true);
      await first.shell.settled();
      await first.shell.stop();
      expect(sim.pbx.timelines.calls.get(call.simCallId)!.endedAtMs).toBeNull(); // still on the PBX
      expect(await outboxSize(cfg.id)).toBeGreaterThan(0);

      const next = await site(cfg, []);
      await next.adapter.start((c, at) => void next.shell.dispatch(c, at));
      // No list of ended calls: the outbox alone finishes the hang-up.
      await takeOverPbx(next.shell, next.adapter, () => false, silent);
      await until(
        () => sim.pbx.timelines.calls.get(call.simCallId)!.endedAtMs,
        'the caller hung up by the next leader',
      );
      await next.shell.settled();
      await until(async () => (await outboxSize(cfg.id)) === 0, 'outbox emptied');
      expect(events.filter((e) => e.type === 'CallArrived')).toHaveLength(1);
      expect(Object.keys(next.shell.state.data.calls)).toHaveLength(0);
      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
    },
  );
});
