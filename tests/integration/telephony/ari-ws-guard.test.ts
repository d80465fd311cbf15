// The ARI event WebSocket's guard (src/telephony/ari/ws-guard.ts), through the real ari-client
// against sim-pbx: a client stopped while its reconnection is pending never comes back to take
// the Stasis application from the next client, and an opening handshake the PBX never answers is
// abandoned after the bound and retried through ari-client's own reconnection. sim-pbx's list of
// the WebSockets each application got is the ground truth.
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import type { Command } from '../../../src/core/commands.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { configureAriReconnect } from '../../../src/app/ari-reconnect.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { expectCleanPbx } from './pbx-hygiene.js';
import { untilWithin } from './harness.js';

const TIMEOUT_MS = 400;
const RETRY_MAX_MS = 400;

const until = untilWithin(10_000);

type Run = { adapter: AriAdapter; lines: string[]; links: boolean[]; commands: Command[]; replaced: number };

describe('the ARI WebSocket guard', () => {
  let sim: SimPbx;
  const runs: Run[] = [];

  beforeAll(() => {
    // Reconnection tries 100 ms apart, doubled up to 400 ms, 20 of them (ari-client's own: 10 s, 10).
    configureAriReconnect(20, RETRY_MAX_MS);
  });

  afterEach(async () => {
    for (const r of runs.splice(0)) await r.adapter.stop();
    await sim?.close();
  });

  function adapter(): Run {
    const lines: string[] = [];
    const run: Run = {
      lines,
      links: [],
      commands: [],
      replaced: 0,
      adapter: new AriAdapter({
        url: sim.ariUrl,
        user: sim.user,
        password: sim.password,
        app: sim.app,
        endpointOf: (id) => `PJSIP/${id}`,
        logger: createLogger({
          level: 'info',
          destination: new Writable({
            write: (chunk: Buffer, _e, cb) => {
              lines.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
              cb();
            },
          }),
        }),
        onLink: (up) => run.links.push(up),
        onReplaced: () => run.replaced++,
        restTimeoutMs: TIMEOUT_MS,
      }),
    };
    runs.push(run);
    return run;
  }

  const start = (run: Run) => run.adapter.start((command) => void run.commands.push(command));

  async function faults(body: Record<string, unknown>): Promise<void> {
    const r = await fetch(`${sim.url}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
  }

  it('a client stopped during an outage never reconnects; the next client keeps the application', async () => {
    sim = await startSimPbx({ port: 0 });
    const old = adapter();
    await start(old);
    expect(sim.bus.attaches).toHaveLength(1);

    // The link is cut; ari-client retries, refused. It is stopped just after a refusal, so that a
    // retry is pending, and the link comes back at once: that retry fires after the outage.
    await faults({ ariOutageMs: 60_000 });
    await until(() => old.links.includes(false), 'the old client to see the link down');
    await until(() => sim.bus.refusedWhileDown >= 3, 'reconnection attempts refused');
    const refused = sim.bus.refusedWhileDown;
    await until(() => sim.bus.refusedWhileDown > refused, 'one more attempt refused', 5_000);
    await old.adapter.stop();
    await faults({ ariOutageMs: 0 });

    const next = adapter();
    await start(next);
    expect(sim.bus.attaches).toHaveLength(2);
    // The old client's pending retry fires within RETRY_MAX_MS of the outage's end: it is cancelled,
    // or (without the guard) it opens a WebSocket and takes the application over.
    await until(
      () =>
        old.lines.includes('ARI client stopped: its pending reconnection cancelled') ||
        sim.bus.attaches.length > 2,
      "the old client's pending retry",
    );
    expect(sim.bus.attaches, 'no WebSocket from the stopped client').toHaveLength(2);
    expect(next.replaced, 'the next client never hears ApplicationReplaced').toBe(0);
    expect(next.adapter.connected).toBe(true);
    expect(sim.bus.isActive(sim.app)).toBe(true);

    // The application is the next client's: a call reaches it, not the stopped one.
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    const call = (await r.json()) as { callId: string; channelId: string };
    await until(
      () => next.commands.some((c) => c.type === 'arriveCall' && c.callId === call.channelId),
      'the call reported by the next client',
    );
    expect(old.commands).toEqual([]);
    await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
    expect(sim.bus.attaches).toHaveLength(2);
  });

  it('a client stopped while its first WebSocket hangs gives up at once and never connects', async () => {
    sim = await startSimPbx({ port: 0 });
    await faults({ stallAriWebSockets: 1000 });
    const old = adapter();
    const starting = start(old);
    await until(() => sim.bus.wsStalls.held >= 2, 'two stalled attempts (one abandoned after the bound)');
    await old.adapter.stop();
    await expect(starting).rejects.toThrow('ARI adapter stopped while connecting');
    await faults({ stallAriWebSockets: 0 });

    const next = adapter();
    await start(next);
    await until(
      () => old.lines.includes('ARI client stopped: its pending reconnection cancelled'),
      "the old client's pending retry cancelled",
    );
    expect(sim.bus.attaches).toHaveLength(1);
    expect(next.adapter.connected).toBe(true);
    // Every stalled upgrade was given up by the client (none left open on the PBX).
    await until(() => sim.bus.wsStalls.closedByClient === sim.bus.wsStalls.held, 'stalled sockets closed');
  });

  it('an opening handshake never answered is abandoned after the bound and retried until the PBX answers', async () => {
    sim = await startSimPbx({ port: 0 });
    // The first connection: one upgrade hangs, the next one is answered.
    await faults({ stallAriWebSockets: 1 });
    const run = adapter();
    await start(run);
    await until(() => sim.bus.wsStalls.closedByClient === 1, 'the stalled socket closed by the client');
    expect(sim.bus.wsStalls).toEqual({ left: 0, held: 1, closedByClient: 1 });
    expect(run.lines).toContain('ARI WebSocket not open in time: attempt abandoned');
    expect(run.links, 'a first connection retried is no link event').toEqual([]);

    // A reconnection: the WebSocket drops, the next two upgrades hang, then the PBX answers again.
    await faults({ stallAriWebSockets: 2, dropAriWebSocket: true });
    await until(() => run.links.length === 2 && run.links[1], 'the link back up');
    expect(run.links).toEqual([false, true]);
    await until(() => sim.bus.wsStalls.closedByClient === 3, 'the stalled sockets closed by the client');
    expect(sim.bus.wsStalls).toEqual({ left: 0, held: 3, closedByClient: 3 });
    expect(sim.bus.attaches).toHaveLength(2);
    expect(run.adapter.connected).toBe(true);

    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    const call = (await r.json()) as { callId: string; channelId: string };
    await until(
      () => run.commands.some((c) => c.type === 'arriveCall' && c.callId === call.channelId),
      'a call after the reconnection',
    );
    await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });
});
