// The writer option for engines that evolve the state while they decide (`handleEvolves`): events
// are applied once, not twice; and a handle that throws after changing the state makes the writer
// rebuild its state from Redis, so a half-applied command never lingers in the working state.
import { afterAll, describe, expect, it } from 'vitest';
import { sendCommand } from '../../../src/store/commands.js';
import { siteKeys } from '../../../src/store/keys.js';
import { SiteWriter } from '../../../src/store/writer.js';
import { connect, freshSiteId, redisUrl, stopAll, waitFor } from './fixtures/site.js';

afterAll(stopAll);

type Added = { type: 'Added'; amount: number };
type Counter = { total: number };
const isAdded = (e: { type: string }): e is Added => e.type === 'Added';

describe('SiteWriter with handleEvolves', () => {
  it('applies each event once and recovers after a handle that failed half-way', async () => {
    const redis = connect();
    const site = freshSiteId();
    const writer = new SiteWriter<Counter, Added, { type: 'add'; amount: number }>({
      redis: redisUrl(),
      site,
      reducer: { initial: () => ({ total: 0 }), evolve: (s, e) => void (s.total += e.amount) },
      isKnownEvent: isAdded,
      handleEvolves: true,
      handle: (state, command) => {
        state.total += command.amount; // the engine's way: evolve while deciding
        if (command.amount < 0) throw new Error('refused after changing the state');
        return { events: [{ type: 'Added', amount: command.amount }] };
      },
      parseCommand: (raw) => raw as { type: 'add'; amount: number },
    });
    try {
      await waitFor(() => writer.role === 'leader');
      for (const amount of [1, -5, 2]) await sendCommand(redis, site, { type: 'add', amount });
      await waitFor(async () => (await redis.xlen(siteKeys(site).events)) === 2);
      await waitFor(() => writer.state?.total === 3, 5_000);
      await sendCommand(redis, site, { type: 'add', amount: 4 });
      await waitFor(() => writer.state?.total === 7, 5_000);
      // Not 14: the writer did not apply the events a second time. The failed command wrote nothing.
      const amounts = (await redis.xrange(siteKeys(site).events, '-', '+')).map(
        ([, f]) => (JSON.parse(f[f.indexOf('event') + 1]!) as Added).amount,
      );
      expect(amounts).toEqual([1, 2, 4]);
    } finally {
      await writer.stop();
    }
  });
});
