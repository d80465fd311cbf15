// sim-fs's drachtio-server picks the app for a new INVITE as drachtio-server 0.9.4 does
// (client-controller.cpp, selectClientForRequestOutsideDialog): round robin over the apps connected
// for INVITEs, in the order their routes came; `remove_route` (no_longer_wants_requests) takes an
// app out at once, answered OK; with no app left, a new INVITE gets 503. Real drachtio-srf apps.
import { afterEach, describe, expect, it } from 'vitest';
import {
  SrfCtor,
  type Srf,
  type SrfRequest,
  type SrfResponse,
} from '../../../src/telephony/drachtio/libs.js';
import { stopRouting } from '../../../src/telephony/drachtio/stop-routing.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';

async function until<T>(find: () => T | undefined | null | false, what: string, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let lab: SimFsServer | null = null;
const apps: Srf[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) a.disconnect();
  await lab?.close();
  lab = null;
});

/** An app that refuses every INVITE with its own status, so the caller's timeline says which app. */
async function app(l: SimFsServer, status: number): Promise<Srf> {
  const srf = new SrfCtor();
  srf.invite((_req: SrfRequest, res: SrfResponse) => res.send(status));
  srf.connect(l.drachtio);
  await new Promise<void>((r) => srf.once('connect', r));
  apps.push(srf);
  return srf;
}

describe('sim-fs drachtio-server: which app gets a new INVITE', () => {
  it('round robin between the apps routed for INVITEs; remove_route takes one out, answered', async () => {
    lab = await startSimFs({});
    const l = lab;
    const a = await app(l, 486);
    await app(l, 603);
    const seen: number[] = [];
    // The routes are in once both apps are authenticated and routed: wait for a first pick of each.
    const dial = async () => {
      const t = l.sim.injectCall({ line: '15' });
      return (await until(() => l.sim.timeline(t.callId)?.status, 'a final answer')) as number;
    };
    for (let i = 0; i < 6; i++) seen.push(await dial());
    expect(new Set(seen)).toEqual(new Set([486, 603]));
    // Alternating: never the same app twice in a row.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);

    await stopRouting(a);
    for (let i = 0; i < 4; i++) expect(await dial()).toBe(603);

    // The other app gone (its close seen by the server): a is connected but routes nothing, so 503.
    apps.pop()!.disconnect();
    await until(() => l.sim.drachtio.appCount === 1, 'the close seen');
    expect(await dial()).toBe(503);
  });
});
