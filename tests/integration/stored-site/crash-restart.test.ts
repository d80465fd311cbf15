// kill -9 of the writer process in the middle of generated traffic, then a new process: every call
// that had arrived is still there, once, with the state the events give; no event is duplicated;
// the ring-no-answer and wrap-up deadlines that were pending at the kill fire after recovery.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { nextWakeAt } from '../../../src/core/engine.js';
import { engineCodec, engineReducer, isEngineEvent } from '../../../src/core/event-registry.js';
import { recover } from '../../../src/store/recover.js';
import { compareStreamIds } from '../../../src/store/stream-id.js';
import { checkNoLossNoDuplicate, readStream } from './fixtures/stream.js';
import { killChildren, spawnSiteChild } from './fixtures/child.js';
import { TrafficDriver } from './fixtures/driver.js';
import { connect, freshSiteId, redisUrl, sleep, startSite, stopAll, waitFor } from './fixtures/site.js';
import { childConfig } from './fixtures/traffic.js';

afterEach(killChildren);
afterAll(stopAll);

describe('a stored site whose writer process is killed with SIGKILL', () => {
  it('comes back with every call, no duplicate, and fires the deadlines pending at the kill', async () => {
    const siteId = freshSiteId();
    const env = { LEASE_TTL_MS: '1000' }; // the point is recovery, not the take-over delay
    const first = spawnSiteChild([redisUrl(), siteId], env);
    await first.waitForLine((line) => line.role === 'leader');
    const client = await startSite({ config: childConfig(siteId), writer: false });
    const driver = new TrafficDriver(client, 42);
    driver.start();
    await sleep(1_500);
    // Kill while a ring-no-answer and a wrap-up deadline are running.
    await waitFor(
      () =>
        Object.values(client.state.data.calls).some((c) => c.pending?.offer) &&
        Object.values(client.state.data.agents).some((a) => a.wrapUntil !== null),
      8_000,
      5,
    );

    // From now on only new calls arrive: the deadlines running at the kill can only end by firing.
    driver.quiet();
    await sleep(100);
    first.kill('SIGKILL');
    await first.exited;
    await sleep(200);
    const lastBeforeKill = (await readStream(siteId)).at(-1)!.id;
    await client.caughtUp(lastBeforeKill);
    const atKill = client.state.data;
    const offers = Object.values(atKill.calls).flatMap((c) =>
      c.pending?.offer ? [{ callId: c.id, agentId: c.pending.offer.agentId }] : [],
    );
    const wrapping = Object.values(atKill.agents)
      .filter((a) => a.wrapUntil !== null)
      .map((a) => a.id);
    expect(offers.length).toBeGreaterThan(0);
    expect(wrapping.length).toBeGreaterThan(0);

    const second = spawnSiteChild([redisUrl(), siteId], env);
    await second.waitForLine((line) => line.role === 'leader');
    await sleep(500);
    const results = await driver.stop();
    const accepted = driver.sent.filter((_, i) => results[i]!.ok);
    // The ring (2 s) and wrap-up (2 s) deadlines that were running at the kill fire on the new
    // leader: waited for in the stream (a wide bound; the assertions below name any that did not).
    const firedSince = async () => {
      const after = eventsAfter(await readStream(siteId), lastBeforeKill);
      return (
        offers.every((o) => offerFailed(after, o)) &&
        wrapping.every((agentId) => becameAvailable(after, agentId))
      );
    };
    await waitFor(firedSince, 30_000, 100).catch(() => undefined);
    // The new leader goes on writing (a waiting caller crossing the 30 s threshold, on a slow
    // machine) while the test reads: frozen now, the stream the client follows and the one
    // recovered below are the same (CI at load 20 saw two threshold crossings land in between).
    second.kill('SIGSTOP');
    const frozenAt = Date.now();

    const entries = await readStream(siteId);
    await client.caughtUp(entries.at(-1)!.id);
    const redis = connect();
    const recovered = await recover(redis, {
      site: siteId,
      reducer: engineReducer(childConfig(siteId)),
      isKnownEvent: isEngineEvent,
      codec: engineCodec,
    });
    expect(recovered.state.data).toEqual(client.state.data);
    const arrived = checkNoLossNoDuplicate(entries, recovered.state.data.calls);
    // Every arrival the writer acknowledged to the caller is in the stream.
    for (const s of accepted)
      if (s.command.type === 'arriveCall') expect(arrived.has(s.command.callId), s.command.callId).toBe(true);
    expect(new Set(entries.map((e) => e.epoch))).toEqual(new Set(['1', '2']));

    const after = eventsAfter(entries, lastBeforeKill);
    for (const offer of offers)
      expect(offerFailed(after, offer), `ring-no-answer of ${offer.callId} on ${offer.agentId}`).toBe(true);
    for (const agentId of wrapping)
      expect(becameAvailable(after, agentId), `wrap-up of ${agentId}`).toBe(true);
    // Nothing overdue: the new leader re-armed every deadline of the recovered state.
    const wake = nextWakeAt(recovered.state);
    if (wake !== undefined) expect(wake).toBeGreaterThan(frozenAt - 1_000);
    second.kill('SIGKILL'); // afterEach's killChildren also sends SIGCONT first
  });
});

type StreamEntry = Awaited<ReturnType<typeof readStream>>[number];
const eventsAfter = (entries: StreamEntry[], id: string) =>
  entries.filter((e) => compareStreamIds(e.id, id) > 0).map((e) => e.event);
const offerFailed = (after: StreamEntry['event'][], o: { callId: string; agentId: string }) =>
  after.some(
    (e) =>
      e.type === 'CallOfferFailed' &&
      e.callId === o.callId &&
      e.agentId === o.agentId &&
      e.reason === 'no-answer',
  );
const becameAvailable = (after: StreamEntry['event'][], agentId: string) =>
  after.some((e) => e.type === 'AgentBecameAvailable' && e.agentId === agentId);
