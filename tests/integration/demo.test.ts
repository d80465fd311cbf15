// The demo end to end (redis-server, sim-pbx, ACD, bots, traffic), sped up: every caller sim-pbx
// injected reaches the ACD once and ends once on both sides, and abandons are reconciled call by
// call with the ground truth sim-pbx recorded on its own: a caller the ACD counts as abandoned was
// never with an agent on sim-pbx; the only other difference allowed is a call whose agent's phone
// answered (the ACD's "answered") while the caller's patience ran out before the bridge joined them
// (sim-pbx's "abandoned"), which the test checks from the events. It waits for conditions, never
// for a wall-clock guess: on a busy machine it only takes longer.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { reconcileCalls, until } from './fixtures/demo-reconcile.js';
import { startDemo } from '../../simulator/demo/demo.js';
import type { CallRecord } from '../../simulator/pbx/timeline.js';
import type { Event } from '../../src/core/events.js';
import { createLogger } from '../../src/ports/logger.js';
import { siteKeys } from '../../src/store/keys.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('sas-acd demo', () => {
  it('runs calls through bots and agrees with the PBX ground truth', async () => {
    const demo = await startDemo({
      port: 0,
      callsPerHour: 900,
      speed: 30,
      seed: 7,
      humanSeats: ['arm-1'],
      logger: silent,
    });
    try {
      const panel = await fetch(demo.urls.panel!);
      expect(panel.status).toBe(200);
      const html = await panel.text();
      expect(html).toContain('Poste de travail');
      // The built UI (web/dist), its script served too.
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeTruthy();
      expect((await fetch(new URL(script!, demo.urls.panel!))).status).toBe(200);
      await until(() => demo.summary().injected >= 10, 'ten calls injected');
      demo.stopTraffic();
      // While calls still move, the ACD lags sim-pbx by an event or two: wait until every call has
      // ended on both sides, however long it takes.
      let s = demo.summary();
      await until(
        () => {
          s = demo.summary();
          return (
            s.arrived === s.injected &&
            s.simEnded === s.injected &&
            Object.keys(demo.site.state.data.calls).length === 0
          );
        },
        () => `every call ended on both sides: ${JSON.stringify(s)}`,
      );
      expect(s.injected).toBeGreaterThan(5);
      expect(s.answered).toBeGreaterThan(0);
      expect(s.ended).toBe(s.simEnded);
      // The state lives in the demo's Redis: its event stream holds every arrival and end, once.
      const redis = new Redis(demo.urls.redis!);
      const events = (await redis.xrange(siteKeys(demo.site.siteId).events, '-', '+')).map(
        ([, f]) => JSON.parse(f[f.indexOf('event') + 1]!) as Event,
      );
      redis.disconnect();
      const calls = ((await (await fetch(demo.urls.simPbx!)).json()) as { calls: CallRecord[] }).calls;
      expect(calls).toHaveLength(s.injected);
      const explained = reconcileCalls(
        calls.map((t) => ({
          id: t.channelId,
          simAbandoned: t.endedBy === 'patience' && t.answeredByAgentAtMs === null,
          record: t,
        })),
        events,
      );
      expect(explained).toBe(s.simAbandoned - s.abandoned);
      // The demo's example LRM receives the call events, signed (every one of them: tests/integration/lrm/).
      await until(
        () => demo.lrm!.received.some((d) => d.event === 'call.ended'),
        () => 'the example LRM receiving a call.ended',
      );
      expect(demo.lrm!.refused).toEqual([]);
    } finally {
      await demo.stop();
    }
  }, 180_000);
});
