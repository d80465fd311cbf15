// The demo end to end on FreeSWITCH (`sas-acd demo --pbx freeswitch`): sim-fs (simulated
// drachtio-server + FreeSWITCH) driven through the real drachtio-srf and drachtio-fsmrf, the ACD on
// its Redis, bots and traffic, sped up. Every caller sim-fs took reaches the ACD once and ends once
// on both sides. Abandons are reconciled call by call with what sim-fs saw on its own: a caller
// the ACD counts as abandoned never shared media with a phone; the only other difference allowed is
// a call that ended in the instant between the agent's answer (the ACD's "answered") and the
// bridge (sim-fs's "answered"), which the test checks from the events.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { reconcileCalls, until } from './fixtures/demo-reconcile.js';
import { startDemo } from '../../simulator/demo/demo.js';
import type { CallTimeline } from '../../simulator/freeswitch/far-end.js';
import type { Event } from '../../src/core/events.js';
import { createLogger } from '../../src/ports/logger.js';
import { siteKeys } from '../../src/store/keys.js';
import { engineCallId } from '../../src/telephony/drachtio/call-id.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('sas-acd demo --pbx freeswitch', () => {
  it('runs calls through bots on sim-fs; every call arrives and ends once, abandons reconciled', async () => {
    const demo = await startDemo({
      port: 0,
      callsPerHour: 900,
      speed: 30,
      seed: 7,
      humanSeats: ['arm-1'],
      logger: silent,
      pbx: 'freeswitch',
    });
    try {
      expect(demo.urls.simFs).toMatch(/\/sim\/calls$/);
      await until(() => demo.summary().injected >= 10, 'ten calls injected');
      demo.stopTraffic();
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
      expect(s.answered).toBeGreaterThan(0);
      const redis = new Redis(demo.urls.redis!);
      const events = (await redis.xrange(siteKeys(demo.site.siteId).events, '-', '+')).map(
        ([, f]) => JSON.parse(f[f.indexOf('event') + 1]!) as Event,
      );
      redis.disconnect();
      const res = await fetch(demo.urls.simFs!);
      const calls = ((await res.json()) as { calls: CallTimeline[] }).calls;
      expect(calls).toHaveLength(s.injected);
      const explained = reconcileCalls(
        calls.map((t) => ({
          id: engineCallId(t.sipCallId),
          simAbandoned: t.endedBy === 'patience' && t.agents.length === 0,
          record: t,
        })),
        events,
      );
      expect(explained).toBe(s.simAbandoned - s.abandoned);
    } finally {
      await demo.stop();
    }
  }, 180_000);
});
