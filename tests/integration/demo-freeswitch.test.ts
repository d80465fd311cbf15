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
      let explained = 0;
      for (const t of calls) {
        const id = engineCallId(t.sipCallId);
        const of = (type: string) =>
          events.filter((e) => e.type === type && 'callId' in e && e.callId === id);
        expect(of('CallArrived'), id).toHaveLength(1);
        const ended = of('CallEnded') as Extract<Event, { type: 'CallEnded' }>[];
        expect(ended, id).toHaveLength(1);
        const acdAbandoned = ended[0]!.outcome === 'abandoned' && !ended[0]!.answered;
        const simAbandoned = t.endedBy === 'patience' && t.agents.length === 0;
        if (acdAbandoned) expect(simAbandoned, `${id}: abandoned for the ACD only`).toBe(true);
        else if (simAbandoned) {
          // Answered for the ACD (an agent's phone picked up), ended before the bridge joined them:
          // the caller's patience ran out in that instant, or a very short call ended first.
          const story = JSON.stringify({ t, acd: events.filter((e) => 'callId' in e && e.callId === id) });
          expect(of('CallConnected').length, story).toBeGreaterThan(0);
          expect(ended[0]!.answered, story).toBe(true);
          explained++;
        }
      }
      expect(explained).toBe(s.simAbandoned - s.abandoned);
    } finally {
      await demo.stop();
    }
  }, 180_000);
});

async function until(check: () => boolean, what: string | (() => string), ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
