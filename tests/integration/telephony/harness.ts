// What the telephony integration tests share: a silent logger, a wait for a condition, and the
// boot of an ARI adapter + sim-pbx + site (the real ari-client against the simulator). Each test
// keeps its own scenario helpers; only the identical plumbing lives here.
import { Writable } from 'node:stream';
import type { Command } from '../../../src/core/commands.js';
import type { SiteConfig } from '../../../src/core/config.js';
import type { Effect } from '../../../src/core/effects.js';
import type { Event } from '../../../src/core/events.js';
import { takeOverPbx } from '../../../src/app/pbx-take-over.js';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { AriAdapter, type AriAdapterOptions } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import type { SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import type { PbxAccess } from './pbx-hygiene.js';

/** A logger that writes nothing (the tests read events, not logs). */
export const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

type Found<T> = T | undefined | false | null;

/**
 * Polls `find` (every 5 ms) until it gives something truthy and returns it; throws naming `what`
 * once `ms` have passed. Tests wait for conditions this way, never for a fixed time.
 */
export async function until<T>(
  find: () => Found<T> | Promise<Found<T>>,
  what: string,
  ms = 5000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** `until` with another default bound (files whose waits are longer than 5 s). */
export const untilWithin =
  (defaultMs: number) =>
  <T>(find: () => Found<T> | Promise<Found<T>>, what: string, ms = defaultMs): Promise<T> =>
    until(find, what, ms);

/** How the PBX hygiene check reaches sim-pbx's ARI. */
export const pbxOf = (sim: SimPbx): PbxAccess => ({
  ariUrl: sim.ariUrl,
  user: sim.user,
  password: sim.password,
});

/**
 * An ARI adapter on sim-pbx: agents rung at PJSIP/<id>, logs silent; `extra` adds or overrides
 * options (outside numbers, REST bound, recording...).
 */
export function ariAdapter(sim: SimPbx, extra: Partial<AriAdapterOptions> = {}): AriAdapter {
  return new AriAdapter({
    url: sim.ariUrl,
    user: sim.user,
    password: sim.password,
    app: sim.app,
    endpointOf: (id) => `PJSIP/${id}`,
    logger: silent,
    ...extra,
  });
}

export type AriSiteOptions = {
  config?: SiteConfig;
  /** How the site carries out an effect; by default through the adapter. */
  effects?: (f: Effect) => Promise<void>;
  /** Where the adapter's commands go; by default straight to the site. */
  onCommand?: (command: Command, at: number, site: SiteShell) => void;
  /** Effects wait in the outbox for the PBX take-over (as serve runs), which boot then carries out. */
  outbox?: boolean;
};

/**
 * A site driven by `adapter` (started here): every event the site decides lands in `events`.
 * With `outbox`, the adapter takes the PBX over (takeOverPbx) before it returns.
 */
export async function startAriSite(
  adapter: AriAdapter,
  opts: AriSiteOptions = {},
): Promise<{ site: SiteShell; events: Event[] }> {
  const events: Event[] = [];
  const site = await SiteShell.start({
    config: opts.config ?? exampleConfig(),
    logger: silent,
    ...(opts.outbox ? { outbox: true } : {}),
    effects: opts.effects ?? ((f) => adapter.execute(f)),
    onEvents: (e) => events.push(...e),
  });
  const onCommand = opts.onCommand ?? ((c: Command, at: number) => void site.dispatch(c, at));
  await adapter.start((c: Command, at: number) => onCommand(c, at, site));
  if (opts.outbox) await takeOverPbx(site, adapter, () => false, silent);
  return { site, events };
}

/** Registers a phone on sim-pbx at PJSIP/<endpoint>, answering after `answerAfterMs` (null: never). */
export async function simPhone(
  sim: SimPbx,
  phones: PhoneClient[],
  endpoint: string,
  answerAfterMs: number | null = 0,
): Promise<PhoneClient> {
  const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${endpoint}`);
  if (answerAfterMs !== null) p.autoAnswer(answerAfterMs);
  phones.push(p);
  return p;
}
