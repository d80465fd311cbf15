// Appending then replaying gives the state of the live engine: fast-check command sequences run
// through the real engine in memory and through a StoredSite (its writer, fenced appends,
// snapshots every few events); recovery from Redis and a fresh read model must equal the live state.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { execute, nextWakeAt, type Result } from '../../../src/core/engine.js';
import { initialState } from '../../../src/core/state.js';
import { engineCodec, engineReducer, isEngineEvent } from '../../../src/core/event-registry.js';
import { recover } from '../../../src/store/recover.js';
import { siteKeys } from '../../../src/store/keys.js';
import { EventTail } from '../../../src/store/tail.js';
import { action, MONDAY_10H, testConfig, toCommand, type Action } from './fixtures/traffic.js';
import { connect, freshSiteId, redisUrl, startSite, stopAll, waitFor } from './fixtures/site.js';

afterAll(stopAll);

const summary = (r: Result) => (r.ok ? { ok: true, events: r.events, effects: r.effects } : r);

async function runThroughStore(actions: Action[]) {
  const siteId = freshSiteId();
  const config = testConfig(siteId);
  const site = await startSite({ config, timers: false, snapshotEveryEvents: 25 });
  await waitFor(() => site.role === 'leader');
  const live = initialState(config);
  let now = MONDAY_10H;
  let events = 0;
  const exec = async (cmd: Command) => {
    const expected = execute(live, cmd, now);
    const got = await site.dispatch(cmd, now);
    expect(summary(got)).toEqual(summary(expected));
    if (expected.ok) events += expected.events.length;
  };
  await exec({ type: 'timerFired' });
  for (const [n, x] of actions.entries()) {
    const cmd = toCommand(live, x, n);
    if ('advance' in cmd) {
      const target = now + cmd.advance * 1000;
      for (let wake = nextWakeAt(live); wake !== undefined && wake <= target; wake = nextWakeAt(live)) {
        now = Math.max(now, wake);
        await exec({ type: 'timerFired' });
      }
      now = target;
    } else await exec(cmd);
  }
  return { site, siteId, config, live, events };
}

describe('the engine on the store', () => {
  it('recovers from Redis (snapshot + replay) exactly the state of the live engine', async () => {
    const redis = connect();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 80 }), async (actions) => {
        const { site, siteId, config, live, events } = await runThroughStore(actions);
        expect(await redis.xlen(siteKeys(siteId).events)).toBe(events);
        const recovered = await recover(redis, {
          site: siteId,
          reducer: engineReducer(config),
          isKnownEvent: isEngineEvent,
          codec: engineCodec,
        });
        if (events >= 30) expect(recovered.snapshotId).not.toBeNull(); // the codec is exercised
        expect(recovered.state.data).toEqual(live.data);
        expect(site.state.data).toEqual(live.data);
        for (const [q, list] of live.idx.waiting)
          expect(recovered.state.idx.waiting.get(q)!.entries).toEqual(list.entries);
        expect(nextWakeAt(recovered.state)).toBe(nextWakeAt(live));
        // A read model started now (snapshot + tail) agrees as well.
        const tail = new EventTail({
          redis: redisUrl(),
          site: siteId,
          reducer: engineReducer(config),
          isKnownEvent: isEngineEvent,
          codec: engineCodec,
        });
        await tail.caughtUp(recovered.lastId);
        expect(tail.state!.data).toEqual(live.data);
        await tail.stop();
        await site.stop();
      }),
      { numRuns: 10 },
    );
  }, 60_000);

  it('returns a rejected command to its caller with the reason and writes nothing', async () => {
    const redis = connect();
    const siteId = freshSiteId();
    const site = await startSite({ config: testConfig(siteId), timers: false });
    await waitFor(() => site.role === 'leader');
    const ok = await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' }, MONDAY_10H);
    expect(ok.ok).toBe(true);
    const length = await redis.xlen(siteKeys(siteId).events);
    const before = JSON.stringify(site.state.data);
    const refused = await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' }, MONDAY_10H + 1);
    expect(refused).toMatchObject({ ok: false, reason: 'already-logged-in' });
    expect(await redis.xlen(siteKeys(siteId).events)).toBe(length);
    expect(JSON.stringify(site.state.data)).toBe(before);
    const unknown = await site.dispatch({ type: 'noSuchCommand' } as unknown as Command);
    expect(unknown).toMatchObject({ ok: false, reason: 'unknown-command' });
    expect(await redis.xlen(siteKeys(siteId).events)).toBe(length);
  });
});
