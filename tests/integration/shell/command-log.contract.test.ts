// One contract for both command logs (in memory, Redis): the shell above them must not be able to
// tell them apart. Each case runs on a fresh site through SiteShell, as serve and the demo use it.
import { afterAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { MONDAY_10H, testConfig } from '../stored-site/fixtures/traffic.js';
import { freshSiteId, redisUrl, silent, stopAll, waitFor } from '../stored-site/fixtures/site.js';

afterAll(stopAll);

type Kind = 'memory' | 'redis';
const shells: SiteShell[] = [];
afterAll(async () => {
  await Promise.all(shells.map((s) => s.stop()));
});

async function open(kind: Kind, opts: { clock?: () => number; ringSeconds?: number; timers?: boolean } = {}) {
  const effects: Effect[] = [];
  const events: Event[] = [];
  const config = testConfig(freshSiteId(), (a) => {
    if (opts.ringSeconds !== undefined) a.ringNoAnswerSeconds = opts.ringSeconds;
  });
  const shell = await SiteShell.start({
    config,
    logger: silent,
    clock: opts.clock ?? (() => MONDAY_10H),
    effects: async (f) => void effects.push(f),
    ...(opts.timers === false ? { timers: false } : {}),
    ...(kind === 'redis' ? { store: { redisUrl: redisUrl() } } : {}),
  });
  shells.push(shell);
  shell.onEvents((e) => events.push(...e));
  await waitFor(() => shell.role === 'leader');
  return { shell, effects, events };
}

describe.each<Kind>(['memory', 'redis'])('command log contract (%s)', (kind) => {
  it('returns the whole decision of an accepted command once it is durable, and the state shows it', async () => {
    const { shell } = await open(kind);
    expect((await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' }, MONDAY_10H)).ok).toBe(true);
    const r = await shell.dispatch(
      { type: 'arriveCall', callId: 'c1', line: '15', callerNumber: null },
      MONDAY_10H + 1000,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => e.type)).toEqual(['CallArrived', 'CallQueued', 'CallOffered']);
    expect(r.effects.map((f) => f.type)).toEqual(['holdCaller', 'ringAgent']);
    expect(shell.state.data.calls.c1?.pending?.offer?.agentId).toBe('arm-1');
  });

  it('refuses a bad command with its reason, and changes nothing', async () => {
    const { shell, events } = await open(kind, { timers: false });
    const before = JSON.stringify(shell.state.data);
    const r = await shell.dispatch({ type: 'agentReady', agentId: 'nobody' }, MONDAY_10H);
    expect(r).toMatchObject({ ok: false, reason: expect.any(String) });
    expect(JSON.stringify(shell.state.data)).toBe(before);
    expect(events).toEqual([]);
  });

  it('hands each event to listeners once, in order, and carries out the effects in order per call', async () => {
    const { shell, events, effects } = await open(kind);
    await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' }, MONDAY_10H);
    await shell.dispatch(
      { type: 'arriveCall', callId: 'c1', line: '15', callerNumber: null },
      MONDAY_10H + 10,
    );
    await shell.dispatch({ type: 'answerOffer', callId: 'c1', agentId: 'arm-1' }, MONDAY_10H + 20);
    await shell.dispatch({ type: 'callerHungUp', callId: 'c1' }, MONDAY_10H + 30);
    await shell.settled();
    const calls = events.filter((e) => 'callId' in e && e.callId === 'c1').map((e) => e.type);
    expect(calls[0]).toBe('CallArrived');
    expect(calls.filter((t) => t === 'CallArrived')).toHaveLength(1);
    expect(calls.at(-1)).toBe('CallEnded');
    // One ordering policy: ringing starts at once, everything else of a call waits for what came before.
    const mine = effects.filter((f) => f.callId === 'c1').map((f) => f.type);
    expect(mine.indexOf('connectAgent')).toBeGreaterThan(mine.indexOf('holdCaller'));
    expect(mine.indexOf('connectAgent')).toBeGreaterThan(mine.indexOf('ringAgent'));
    expect(mine.filter((t) => t === 'connectAgent')).toHaveLength(1);
  });

  it('never goes back in time: a command observed earlier than the last one is decided at the last time', async () => {
    const { shell } = await open(kind);
    await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' }, MONDAY_10H + 5000);
    const r = await shell.dispatch(
      { type: 'arriveCall', callId: 'late', line: '15', callerNumber: null },
      MONDAY_10H + 1000,
    );
    expect(r.ok && r.events[0]!.at).toBe(MONDAY_10H + 5000);
  });

  it('fires the engine deadlines by itself (ring-no-answer) through the same log', async () => {
    const { shell, events } = await open(kind, { clock: Date.now, ringSeconds: 1 });
    await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await shell.dispatch({ type: 'arriveCall', callId: 'ring', line: '15', callerNumber: null });
    await waitFor(() => events.some((e) => e.type === 'CallOfferFailed' && e.callId === 'ring'), 10_000);
    expect(shell.state.data.calls.ring?.pending).toBeTruthy();
  });

  it('answers a stopped site with a refusal, never a hang', async () => {
    const { shell } = await open(kind);
    await shell.stop();
    const r = await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    expect(r.ok).toBe(false);
  });
});
