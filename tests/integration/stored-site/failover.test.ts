// Two writer processes on one site, traffic all along. The writer is killed (SIGKILL): the standby
// takes over and goes on handling commands. Then the new writer is paused (SIGSTOP) while a fresh
// standby takes over, and resumed (SIGCONT): it is refused and writes nothing more. The take-over
// time is printed, not asserted: it is a speed goal (a benchmark's job), and a busy machine only
// makes it longer; the test waits for the conditions (leader, standby) with generous bounds.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killChildren, spawnSiteChild, type Child } from './fixtures/child.js';
import { TrafficDriver } from './fixtures/driver.js';
import { freshSiteId, redisUrl, sleep, startSite, stopAll } from './fixtures/site.js';
import { childConfig } from './fixtures/traffic.js';
import { checkNoLossNoDuplicate, readStream } from './fixtures/stream.js';

afterEach(killChildren);
afterAll(stopAll);

const becameLeader = (child: Child) => child.waitForLine((line) => line.role === 'leader', 60_000);

describe('fail-over between stored-site processes', () => {
  it('takes over after a SIGKILL, goes on, and fences the paused writer when it resumes', async () => {
    const siteId = freshSiteId();
    const a = spawnSiteChild([redisUrl(), siteId]);
    const aLead = await becameLeader(a);
    const b = spawnSiteChild([redisUrl(), siteId]);
    await b.waitForLine((line) => line.started === true);
    const client = await startSite({ config: childConfig(siteId), writer: false });
    const driver = new TrafficDriver(client, 7);
    driver.start();
    await sleep(800);

    // 1. kill -9 of the writer: the standby takes over and handles the commands that follow.
    const killedAt = Date.now();
    a.kill('SIGKILL');
    await a.exited;
    const bLead = await becameLeader(b);
    const takeoverMs = Date.now() - killedAt;
    expect(bLead.epoch).toBe((aLead.epoch as number) + 1);
    const arrived = await client.dispatch({
      type: 'arriveCall',
      callId: 'after-kill',
      line: '15',
      callerNumber: null,
    });
    expect(arrived.ok).toBe(true);
    const twice = await client.dispatch({
      type: 'arriveCall',
      callId: 'after-kill',
      line: '15',
      callerNumber: null,
    });
    expect(twice).toMatchObject({ ok: false, reason: 'duplicate-call' });

    // 2. a new standby; the writer is paused, the standby takes over, the old writer resumes.
    const c = spawnSiteChild([redisUrl(), siteId]);
    await c.waitForLine((line) => line.started === true);
    await sleep(300);
    b.kill('SIGSTOP');
    const pausedAt = Date.now();
    const cLead = await becameLeader(c);
    const takeoverAfterPauseMs = Date.now() - pausedAt;
    const bEpoch = String(bLead.epoch);
    const bEventsWhilePaused = (await readStream(siteId)).filter((e) => e.epoch === bEpoch).length;
    await sleep(300); // traffic to the new writer while the old one sleeps
    b.kill('SIGCONT');
    await b.waitForLine((line) => line.role === 'standby' && line !== bLead, 60_000);
    // Deposed: its renewal or its append was refused (fencing), so it stopped writing.
    expect(b.lines.some((line) => /lease lost/.test(String(line.msg)))).toBe(true);
    await sleep(500);
    const results = await driver.stop();
    // A command the paused writer had appended but not yet answered is answered by the new writer
    // as "already processed" (applied once, only its reply uncertain: docs/store.md); none may be
    // left without an answer (a lost reply timing out).
    expect(
      results.filter(
        (r) => !r.ok && r.reason === 'outcome-unknown' && !/already been processed/.test(r.message),
      ),
    ).toEqual([]);

    const entries = await readStream(siteId);
    const bEntries = entries.filter((e) => e.epoch === bEpoch);
    expect(bEntries.length).toBe(bEventsWhilePaused); // the resumed writer wrote nothing
    const firstOfC = entries.findIndex((e) => e.epoch === String(cLead.epoch));
    expect(firstOfC).toBeGreaterThan(0);
    expect(entries.slice(firstOfC).every((e) => e.epoch === String(cLead.epoch))).toBe(true);
    await client.caughtUp(entries.at(-1)!.id);
    expect(checkNoLossNoDuplicate(entries, client.state.data.calls).has('after-kill')).toBe(true);
    expect(entries.filter((e) => e.epoch === String(cLead.epoch)).length).toBeGreaterThan(0);
    console.log(JSON.stringify({ takeoverAfterKillMs: takeoverMs, takeoverAfterPauseMs }));
  }, 240_000);
});
