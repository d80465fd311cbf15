// Through the real ari-client against sim-pbx, the Stasis arguments the dialplan passes
// (asterisk-config/extensions.conf): a fire-brigade call reaching N1, N2 AMU or N2 MG (annex 1:
// "directement à chaque niveau du SAS"), a call received from a partner SAS keeping its origin
// (report P59–P60) for routing and reporting, and a P1 served before a P2 by the AMU doctor.
import { afterEach, describe, expect, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
import { createIndicators } from '../../../src/core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../../src/core/indicators/reducer.js';
import { buildReport } from '../../../src/report/annex3-report.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { silent, untilWithin } from './harness.js';

let sim: SimPbx;
let adapter: AriAdapter;
let runtime: SiteShell;
let events: Event[] = [];
const phones: PhoneClient[] = [];
// MG hours at all times, so that a P2 with no GP regulator goes to the AMU doctors whatever the
// hour the test runs (in PDSA hours it would go to the PDSA regulation).
const config = exampleConfig((c) => ((c.routing as Record<string, unknown>).mgHours = 'always'));

const until = untilWithin(4000);

async function boot() {
  sim = await startSimPbx({ port: 0 });
  adapter = new AriAdapter({
    url: sim.ariUrl,
    user: sim.user,
    password: sim.password,
    app: sim.app,
    endpointOf: (id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
    logger: silent,
  });
  runtime = await SiteShell.start({ config, logger: silent, effects: (f) => adapter.execute(f) });
  events = [];
  runtime.onEvents((e) => events.push(...e));
  await adapter.start((cmd, at) => runtime.dispatch(cmd, at));
}

async function phone(agentId: string): Promise<void> {
  const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agentId}`);
  p.autoAnswer(0);
  phones.push(p);
  await runtime.dispatch({ type: 'agentLogin', agentId });
}

/** A caller dials `line`; the dialplan would pass `stasisArgs` after it. Returns the engine call id. */
async function dial(line: string, stasisArgs?: string[]): Promise<string> {
  const r = await fetch(`${sim.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line, callerNumber: '0612345678', ...(stasisArgs ? { stasisArgs } : {}) }),
  });
  expect(r.status).toBe(201);
  const { channelId } = (await r.json()) as { channelId: string };
  await until(() => events.some((e) => e.type === 'CallArrived' && e.callId === channelId), 'arrival');
  return channelId;
}

const queuedIn = (callId: string) =>
  events.find(
    (e): e is Extract<Event, { type: 'CallQueued' }> => e.type === 'CallQueued' && e.callId === callId,
  )?.queueId;
const connectedTo = (callId: string) =>
  events.find(
    (e): e is Extract<Event, { type: 'CallConnected' }> => e.type === 'CallConnected' && e.callId === callId,
  )?.agentId;

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await runtime?.stop();
  await adapter?.stop();
  await sim?.close();
});

describe('Stasis arguments from the dialplan, through sim-pbx', () => {
  it('lets a fire-brigade call reach N1, N2 AMU or N2 MG by the number dialled, its entry otherwise', async () => {
    await boot();
    await phone('arm-1'); // N1
    await phone('arm-5'); // N2 AMU
    await phone('osnp-1'); // N2 MG
    const toN1 = await dial('sdis', ['queue=n1']);
    const toAmu = await dial('sdis', ['queue=n2-amu']);
    const toMg = await dial('sdis', ['queue=n2-mg']);
    const plain = await dial('sdis');
    expect([queuedIn(toN1), queuedIn(toAmu), queuedIn(toMg), queuedIn(plain)]).toEqual([
      'n1',
      'n2-amu',
      'n2-mg',
      'n2-amu', // the line's entry queue
    ]);
    await until(() => connectedTo(toN1) === 'arm-1', 'the N1 ARM answers the fire brigade');
    await until(() => connectedTo(toAmu) === 'arm-5', 'the N2 AMU ARM answers the fire brigade');
    await until(() => connectedTo(toMg) === 'osnp-1', 'the N2 MG answers the fire brigade');
  });

  it('lets the site configuration decide: a level the line may not enter is its entry queue, the call kept', async () => {
    await boot();
    const c = await dial('15', ['queue=n2-mg', 'bogus']);
    expect(queuedIn(c)).toBe('n1');
    expect(events.find((e) => e.type === 'CallArrived' && e.callId === c)).toMatchObject({ line: '15' });
  });

  it('keeps the origin of a call received from a partner SAS: routed as such, reported apart', async () => {
    await boot();
    // The 15 is switched to the partner SAS 85 (bascule): our own calls go there, 85's never go back.
    expect((await runtime.dispatch({ type: 'switchLine', line: '15', partnerId: '85' })).ok).toBe(true);
    const fromPartner = await dial('15', ['origin=85']);
    const own = await dial('15');
    expect(events.find((e) => e.type === 'CallArrived' && e.callId === fromPartner)).toMatchObject({
      originSite: '85',
    });
    expect(queuedIn(fromPartner)).toBe('n1');
    await until(
      () => events.some((e) => e.type === 'CallRedirected' && e.callId === own && e.partnerId === '85'),
      'our own call switched to 85',
    );
    expect(events.some((e) => e.type === 'CallRedirected' && e.callId === fromPartner)).toBe(false);
    await phone('arm-1');
    await until(() => connectedTo(fromPartner) === 'arm-1', 'the partner call answered here');
    // The month's table 1 splits the calls by origin.
    const acc = createIndicators(config);
    for (const e of events) applyIndicatorEvent(acc, e);
    const month = new Date(events[0]!.at).toISOString().slice(0, 7);
    const rows = buildReport(acc, { month }, []).rows.filter((r) => r.table === 'by origin SAS');
    const h24 = (item: string) => rows.find((r) => r.item === item)?.h24;
    expect(h24('o.85.arrived')).toBe(1);
    expect(h24('o.85.answered')).toBe(1);
    expect(h24('o.44.arrived')).toBe(1); // our own call, sent to 85 before any answer
    expect(h24('o.44.answered')).toBe(0);
  });

  it('offers the AMU doctor a P1 before a P2 that waited longer on the professionals line', async () => {
    await boot();
    await phone('arm-1');
    await phone('arm-5');
    // No GP regulator logged in: a P2 goes to the AMU doctors (routing.p2WithoutGpRegulator).
    const p2 = await dial('pro');
    await until(() => connectedTo(p2) === 'arm-1', 'N1 answers the P2');
    expect(
      (await runtime.dispatch({ type: 'qualifyCall', callId: p2, agentId: 'arm-1', qualification: 'P2' })).ok,
    ).toBe(true);
    expect((await runtime.dispatch({ type: 'transferCall', callId: p2, agentId: 'arm-1' })).ok).toBe(true);
    await phone('arm-2'); // arm-1 is in its wrap-up
    const p1 = await dial('15');
    const n1 = await until(() => connectedTo(p1), 'N1 answers the P1');
    await runtime.dispatch({ type: 'qualifyCall', callId: p1, agentId: n1, qualification: 'P1' });
    await runtime.dispatch({ type: 'transferCall', callId: p1, agentId: n1 });
    await until(
      () => events.some((e) => e.type === 'CallConnected' && e.callId === p1 && e.agentId === 'arm-5'),
      'N2 AMU answers the P1',
    );
    await runtime.dispatch({ type: 'transferCall', callId: p1, agentId: 'arm-5' }); // to the doctor
    await until(
      () => events.some((e) => e.type === 'CallQueued' && e.callId === p1 && e.queueId === 'reg-amu'),
      'the P1 waits for the doctor',
    );
    const lastQueue = events.filter((e) => e.type === 'CallQueued' && e.callId === p2).at(-1);
    expect(lastQueue).toMatchObject({ queueId: 'reg-amu' });
    await phone('mru-1');
    await until(
      () => events.some((e) => e.type === 'CallConnected' && e.agentId === 'mru-1'),
      'the doctor answers',
    );
    expect(events.find((e) => e.type === 'CallConnected' && e.agentId === 'mru-1')).toMatchObject({
      callId: p1,
    });
  });
});
