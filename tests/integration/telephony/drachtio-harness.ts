// What the drachtio (FreeSWITCH) integration tests share: the adapter on sim-fs with the usual
// addresses, a site driven by it, a caller injected on the trunk side, a phone on the endpoint side,
// and the check that nothing is left on the PBX. The real drachtio-srf and drachtio-fsmrf run
// against sim-fs; each test keeps its own scenario helpers.
import type { SiteConfig } from '../../../src/core/config.js';
import type { Effect } from '../../../src/core/effects.js';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import {
  DrachtioAdapter,
  type DrachtioAdapterOptions,
} from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import type { SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { silent, until } from './harness.js';

export { silent, until, untilWithin } from './harness.js';

/** The ESL password every sim-fs of these tests uses (not FreeSWITCH's default). */
export const SIM_FS_ESL_PASSWORD = 'not-ClueCon';

/**
 * A drachtio adapter on sim-fs: agents at sip:<id>@127.0.0.1:5060, partners at port 5096, logs
 * silent; `extra` adds or overrides options (recording, outside numbers, dialog watch...).
 */
export function drachtioAdapter(
  lab: SimFsServer,
  extra: Partial<DrachtioAdapterOptions> = {},
): DrachtioAdapter {
  return new DrachtioAdapter({
    drachtio: lab.drachtio,
    freeswitch: lab.esl,
    agentUri: (agentId) => `sip:${agentId}@127.0.0.1:5060`,
    partnerUri: (_p, destination) => `sip:${destination}@127.0.0.1:5096`,
    logger: silent,
    ...extra,
  });
}

/**
 * A site whose effects `effects` carries out (by default the adapter's `execute`), with `adapter`
 * started on it: every event the site decides lands in `events`.
 */
export async function startFsSite(
  adapter: DrachtioAdapter,
  opts: { config?: SiteConfig; effects?: (f: Effect) => Promise<void> } = {},
): Promise<{ site: SiteShell; events: Event[] }> {
  const events: Event[] = [];
  const site = await SiteShell.start({
    config: opts.config ?? exampleConfig(),
    logger: silent,
    effects: opts.effects ?? ((f) => adapter.execute(f)),
    onEvents: (e) => events.push(...e),
  });
  await adapter.start((cmd, at) => void site.dispatch(cmd, at));
  return { site, events };
}

/** A caller injected on sim-fs's trunk side; its sim id and the engine's call id. */
export async function injectFsCall(
  lab: SimFsServer,
  body: Record<string, unknown> = { line: '15', callerNumber: '0612345678' },
): Promise<{ simId: string; callId: string }> {
  const r = await fetch(`${lab.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 201) throw new Error(`sim-fs refused the call: ${r.status} ${await r.text()}`);
  const b = (await r.json()) as { callId: string; sipCallId: string };
  return { simId: b.callId, callId: engineCallId(b.sipCallId) };
}

/** Registers a phone on sim-fs at `endpoint` (e.g. PJSIP/arm-1), answering after `answerMs` (null: never). */
export async function fsPhone(
  lab: SimFsServer,
  phones: PhoneClient[],
  endpoint: string,
  answerMs: number | null = 0,
): Promise<PhoneClient> {
  const p = await PhoneClient.register(lab.endpointsWsUrl, endpoint);
  if (answerMs !== null) p.autoAnswer(answerMs);
  phones.push(p);
  return p;
}

/** Waits until sim-fs holds nothing (dialogs, channels, conferences, sockets, phone legs), or says what is left. */
export async function expectCleanFs(lab: SimFsServer, ms = 20_000): Promise<void> {
  const total = () => {
    const l = lab.sim.leftovers();
    return l.dialogs + l.channels + l.conferences + l.outboundSockets + l.phoneLegs;
  };
  await until(() => total() === 0, 'a clean PBX', ms).catch(() => {
    throw new Error(`left on the PBX: ${JSON.stringify(lab.sim.leftovers())}`);
  });
}
