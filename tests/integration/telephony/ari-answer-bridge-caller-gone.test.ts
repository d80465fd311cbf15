// The caller hangs up while the adapter puts it in the call's bridge with the agent who answered:
// the caller's StasisEnd destroys the bridge, the adapter's addChannel then finds no bridge, and it
// must not build a new bridge for a caller already gone. Before, it did, and that empty
// `call-<id>` bridge stayed on the PBX for ever (2 left after 150 short calls on a real Asterisk 22,
// real-asterisk.test.ts). The interleaving is forced on sim-pbx by answering the addChannel late
// (its REST fault switch, slowMs), through the real ari-client.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

/** The adapter's log lines (debug and up): the test waits for its word that it let the answer go. */
const lines: string[] = [];
const logger = createLogger({
  level: 'debug',
  destination: new Writable({
    write: (chunk, _e, cb) => {
      lines.push(String(chunk));
      cb();
    },
  }),
});
let sim: SimPbx | undefined;
let adapter: AriAdapter | undefined;
let site: SiteShell | undefined;
const phones: PhoneClient[] = [];

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site?.stop();
  await adapter?.stop();
  await sim?.close();
});

async function until<T>(find: () => T | undefined | false | null, what: string, ms = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a caller who hangs up while its answer is being bridged', () => {
  it('leaves no call bridge on the PBX: an abandon, counted once', async () => {
    const pbx = await startSimPbx({ port: 0 });
    sim = pbx;
    const events: Event[] = [];
    const shell = await SiteShell.start({
      config: exampleConfig(),
      logger,
      effects: (f) => adapter!.execute(f),
    });
    site = shell;
    shell.onEvents((e) => events.push(...e));
    adapter = new AriAdapter({
      url: pbx.ariUrl,
      user: pbx.user,
      password: pbx.password,
      app: pbx.app,
      endpointOf: (id) => `PJSIP/${id}`,
      logger,
    });
    await adapter.start((cmd: Command, at: number) => void shell.dispatch(cmd, at));
    const phone = await PhoneClient.register(pbx.endpointsWsUrl, 'PJSIP/arm-1');
    phone.autoAnswer(0);
    phones.push(phone);
    expect((await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);

    // The first addChannel (the caller into the new call bridge) is carried out 1.5 s late.
    pbx.bus.restStalls.set({ count: 1, method: 'POST', path: '/addChannel$', slowMs: 1500 });
    const r = await fetch(`${pbx.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    const { channelId: callId, callId: simCall } = (await r.json()) as { channelId: string; callId: string };
    await until(() => pbx.bus.restStalls.stalled.length === 1, 'the addChannel held back');
    // Meanwhile the caller hangs up: its StasisEnd destroys the call's bridge.
    const hung = await fetch(`${pbx.url}/sim/calls/${simCall}/hangup`, { method: 'POST' });
    expect(hung.ok).toBe(true);

    const ended = await until(
      () => events.find((e) => e.type === 'CallEnded' && e.callId === callId),
      'the call ended',
    );
    expect(ended).toMatchObject({ by: 'caller', answered: false });
    expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
    expect(events.some((e) => e.type === 'CallConnected')).toBe(false);
    // The held addChannel answered "Bridge not found": the adapter is done with that answer.
    await until(
      () => lines.some((l) => l.includes('caller gone before its answer was bridged') && l.includes(callId)),
      'the adapter letting the answer go',
    );
    await shell.settled();
    await expectCleanPbx({ ariUrl: pbx.ariUrl, user: pbx.user, password: pbx.password }, { within: 10_000 });
  }, 60_000);
});
