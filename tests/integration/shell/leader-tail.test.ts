// The leader folds each event once: its tail waits at the previous leader's last event while its
// writer keeps the state. Losing the lease wakes the tail, which reads on from there: listeners
// still see every event of the stream exactly once, in order, and the read model catches up.
import { afterAll, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { siteKeys } from '../../../src/store/keys.js';
import type { RedisLog } from '../../../src/shell/redis-log.js';
import { MONDAY_10H, testConfig } from '../stored-site/fixtures/traffic.js';
import { connect, freshSiteId, startSite, stopAll, waitFor } from '../stored-site/fixtures/site.js';
import { readStream } from '../stored-site/fixtures/stream.js';

afterAll(stopAll);

// A lease long enough that a busy machine never lets it lapse by itself (the test deletes it).
const fast = { leaseTtlMs: 6_000, renewEveryMs: 300, standbyPollMs: 200 };

describe('the leader evolves each event once', () => {
  it('pauses its tail while leading, and reads on without a gap or a double once deposed', async () => {
    const siteId = freshSiteId();
    const config = testConfig(siteId);
    const a = await startSite({ config, timers: false, ...fast });
    const seenByA: Event[] = [];
    a.onEvents((events) => seenByA.push(...events));
    await waitFor(() => a.role === 'leader');
    for (const agentId of ['arm-1', 'arm-2'])
      expect((await a.dispatch({ type: 'agentLogin', agentId }, MONDAY_10H)).ok).toBe(true);
    expect(
      (await a.dispatch({ type: 'arriveCall', callId: 'c1', line: '15', callerNumber: null }, MONDAY_10H + 1))
        .ok,
    ).toBe(true);
    await waitFor(() => (a.log as RedisLog).readModelPaused);
    expect(a.state.data.calls.c1).toBeDefined();

    // A standby; then A's lease disappears (as after a pause longer than its TTL) and B takes over.
    const b = await startSite({ config, timers: false, ...fast });
    expect(b.role).toBe('standby');
    await connect().del(siteKeys(siteId).lease);
    await waitFor(() => b.role === 'leader' && a.role === 'standby', 20_000);
    expect((a.log as RedisLog).readModelPaused).toBe(false);

    // Commands sent through A now go to B's writer; A's read model follows them from its tail.
    expect(
      (await a.dispatch({ type: 'arriveCall', callId: 'c2', line: '15', callerNumber: null }, MONDAY_10H + 2))
        .ok,
    ).toBe(true);
    await waitFor(() => a.state.data.calls.c2 !== undefined);
    const stream = await readStream(siteId);
    await waitFor(() => seenByA.length >= stream.length);
    expect(seenByA.map((e) => JSON.stringify(e))).toEqual(stream.map((e) => JSON.stringify(e.event)));
    expect(Object.keys(a.state.data.calls).sort()).toEqual(Object.keys(b.state.data.calls).sort());
  }, 60_000);
});
