// A site feed primed from the history while live events keep coming: nothing counted twice.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import type { HistorySource } from '../../../src/ports/history.js';
import type { Event } from '../../../src/core/events.js';
import { rollUp } from '../../../src/core/indicators/spans.js';
import { SiteFeed } from '../../../src/realtime/site-feed.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { MONDAY_10H, siteConfig } from './harness.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('SiteFeed.prime', () => {
  it('takes the history up to the first live event and the live events after it, each once', async () => {
    let now = MONDAY_10H;
    const runtime = await SiteShell.start({ config: siteConfig('44'), logger: silent, clock: () => now });
    const log: Event[] = [];
    runtime.onEvents((e) => log.push(...e));
    for (const id of ['a', 'b']) {
      now += 1000;
      await runtime.dispatch({ type: 'arriveCall', callId: id, line: '15', callerNumber: null });
    }
    // The process starts now: its feed saw nothing of a and b.
    const feed = new SiteFeed(runtime);
    const history: HistorySource = {
      read: async (_from, _to, onEvent) => {
        for (const e of [...log]) onEvent(e);
        // A call arrives while the history is being read; the store holds it too by the time
        // the read ends, so the history passes it on as well.
        now += 1000;
        await runtime.dispatch({ type: 'arriveCall', callId: 'c', line: '15', callerNumber: null });
        await new Promise((r) => setTimeout(r, 5));
        for (const e of log.filter((x) => 'callId' in x && x.callId === 'c')) onEvent(e);
        return { events: log.length, gaps: [], archivedHours: 0, fromStream: log.length };
      },
    };
    const primed = await feed.prime(history, 0, now + 1);
    expect(primed).toBe(log.filter((e) => !('callId' in e) || e.callId !== 'c').length);
    const arrived = [...rollUp(feed.indicators, 'day').values()].reduce((n, s) => n + s.all.calls.arrived, 0);
    expect(arrived).toBe(3);
    feed.close();
    await runtime.stop();
  });
});
