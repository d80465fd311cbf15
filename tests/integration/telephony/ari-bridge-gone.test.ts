// A call's mixing bridge gone from the PBX underneath the adapter (destroyed by an operator, a PBX
// reload, or a tear-down racing a new answer) is never reused: the next answer builds a new bridge
// and the caller talks to the agent. Before, every later answer went to the dead bridge id ("Bridge
// not found"): the engine counted the agent connected while the caller waited alone on hold for
// ever (seen in a generated day's replay, issue 22). Through the real ari-client against sim-pbx.
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

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
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

async function until<T>(
  find: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  what: string,
  ms = 20_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type AriBridge = { id: string; name: string; bridge_type: string; channels: string[] };

describe('a call bridge gone from the PBX', () => {
  it('is replaced at the next answer: the caller talks to the new agent, nothing left on the PBX', async () => {
    const pbx = await startSimPbx({ port: 0 });
    sim = pbx;
    const events: Event[] = [];
    const shell = await SiteShell.start({
      config: exampleConfig(),
      logger: silent,
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
      logger: silent,
    });
    await adapter.start((cmd: Command, at: number) => void shell.dispatch(cmd, at));
    const ari = async <T>(path: string, method = 'GET'): Promise<{ status: number; body: T }> => {
      const r = await fetch(`${pbx.ariUrl}/ari${path}?api_key=${pbx.user}:${pbx.password}`, { method });
      return { status: r.status, body: (r.status === 200 ? await r.json() : null) as T };
    };
    const phone = async (agentId: string) => {
      const p = await PhoneClient.register(pbx.endpointsWsUrl, `PJSIP/${agentId}`);
      p.autoAnswer(0);
      phones.push(p);
      expect((await shell.dispatch({ type: 'agentLogin', agentId })).ok).toBe(true);
    };
    const connectedTo = (callId: string, agentId: string) =>
      events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);

    await phone('arm-1');
    const r = await fetch(`${pbx.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    const { channelId: callId } = (await r.json()) as { channelId: string };
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    const callBridge = async () =>
      (await ari<AriBridge[]>('/bridges')).body.find((b) => b.name === `call-${callId}`);
    const first = await until(callBridge, 'the call bridge');

    // Qualified P1 and handed to N2 AMU, where nobody is logged in yet: the caller waits on hold.
    expect(
      (await shell.dispatch({ type: 'qualifyCall', callId, agentId: 'arm-1', qualification: 'P1' })).ok,
    ).toBe(true);
    expect((await shell.dispatch({ type: 'transferCall', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(
      async () => !(await callBridge())?.channels.includes(callId),
      'the caller out of the call bridge',
    );
    // The bridge goes from under the adapter.
    expect((await ari(`/bridges/${first.id}`, 'DELETE')).status).toBe(204);

    await phone('arm-5');
    await until(() => connectedTo(callId, 'arm-5'), 'N2 connected');
    const again = await until(async () => {
      const b = await callBridge();
      return b && b.channels.includes(callId) && b.channels.length === 2 && b;
    }, 'the caller in a new call bridge with the N2 agent');
    expect(again.id).not.toBe(first.id);
    expect(again.bridge_type).toBe('mixing');

    expect(
      (await shell.dispatch({ type: 'hangUp', callId, agentId: 'arm-5', disposition: 'envoi-moyens' })).ok,
    ).toBe(true);
    await until(() => events.some((e) => e.type === 'CallEnded' && e.callId === callId), 'call ended');
    await shell.settled();
    await expectCleanPbx({ ariUrl: pbx.ariUrl, user: pbx.user, password: pbx.password });
  }, 60_000);
});
