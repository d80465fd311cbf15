// The demo end to end (redis-server, sim-pbx, ACD, bots, traffic), sped up: every caller sim-pbx
// injected reaches the ACD once, and the ACD's count of ended and abandoned calls agrees with the
// ground truth sim-pbx recorded on its own.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/app/demo.js';
import { createLogger } from '../../src/app/logger.js';
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
      await new Promise((r) => setTimeout(r, 4000));
      demo.stopTraffic();
      const deadline = Date.now() + 8000;
      let s = demo.summary();
      while (Date.now() < deadline) {
        s = demo.summary();
        if (s.arrived === s.injected && s.ended === s.simEnded && s.abandoned === s.simAbandoned) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(s.injected).toBeGreaterThan(5);
      expect(s.arrived).toBe(s.injected);
      expect(s.answered).toBeGreaterThan(0);
      expect(s.ended).toBe(s.simEnded);
      expect(s.abandoned).toBe(s.simAbandoned);
      // No call lost: every call that arrived has ended or is still in the ACD.
      expect(s.arrived).toBe(s.ended + Object.keys(demo.site.state.data.calls).length);
      // The state lives in the demo's Redis: its event stream holds every arrival, once.
      const redis = new Redis(demo.urls.redis!);
      const entries = await redis.xrange(siteKeys(demo.site.siteId).events, '-', '+');
      redis.disconnect();
      const arrivals = entries.filter(([, f]) => f[f.indexOf('event') + 1]!.includes('"type":"CallArrived"'));
      expect(arrivals).toHaveLength(s.arrived);
    } finally {
      await demo.stop();
    }
  }, 30_000);
});
