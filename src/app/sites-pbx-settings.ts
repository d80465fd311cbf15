// Each site's PBX settings in a process serving several sites (src/app/serve-sites.ts).
//
// Asterisk: one Asterisk for every site, each site its own Stasis application (ARI_APP with {site}):
// Asterisk hands a call to the application its dialplan names, so the sites never meet.
//
// FreeSWITCH: each site its own drachtio-server and FreeSWITCH. drachtio-server hands a new INVITE
// to any connected application registered for INVITE, round robin (`selectClientForRequestOutsideDialog`
// in its src/client-controller.cpp); routing per site on one server needs its HTTP request-handler
// (drachtio.conf.xml `<request-handlers>`) answering `{"action":"route","data":{"tag":…}}` and apps
// connected with that tag, and a take-over on a FreeSWITCH shared by several sites would find the
// other sites' channels (`show channels`) as its own. A pair per site has neither problem: the
// site's leader is the only application on its drachtio-server, and its FreeSWITCH holds only its
// calls (docs/freeswitch.md, "Several sites").
import type { SiteConfig } from '../core/config.js';
import { parsePbxSettings, type PbxSettings } from './pbx.js';

/** The FreeSWITCH variables a site may have its own value of (DRACHTIO_URL_<SITE>, or {site} filled). */
const PER_SITE = ['DRACHTIO_URL', 'FREESWITCH_ESL', 'RECORDINGS_DIR'] as const;

/** A site id as an environment variable suffix: upper case, anything but letters and digits as "_". */
export const envSuffix = (siteId: string): string => siteId.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** The environment seen by one site's FreeSWITCH settings (index: its place in the --config list). */
export function siteFreeswitchEnv(env: NodeJS.ProcessEnv, siteId: string, index: number): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const name of PER_SITE) {
    const own = env[`${name}_${envSuffix(siteId)}`];
    const value = own ?? env[name]?.replaceAll('{site}', siteId);
    if (value !== undefined) out[name] = value;
  }
  // Each site's adapter has its own event-socket listener: a fixed port is the first site's, the
  // next site's the port after it, and so on (port 0: any free port for every site).
  const listen = /^([^:\s]+):(\d{1,5})$/.exec(env.ESL_LISTEN ?? '');
  if (listen && Number(listen[2]) > 0) out.ESL_LISTEN = `${listen[1]}:${Number(listen[2]) + index}`;
  return out;
}

/**
 * Each site's PBX settings, every problem named (a site's own value's problems with its id). With
 * FreeSWITCH, two sites sharing a drachtio-server or a FreeSWITCH are refused (see above).
 */
export function parseSitesPbx(
  env: NodeJS.ProcessEnv,
  kind: string,
  configs: SiteConfig[],
  errors: string[],
): Record<string, PbxSettings> | null {
  const out: Record<string, PbxSettings> = {};
  const seen = new Set(errors);
  const drachtioOf = new Map<string, string>();
  const eslOf = new Map<string, string>();
  configs.forEach(({ id }, index) => {
    const siteEnv = kind === 'freeswitch' ? siteFreeswitchEnv(env, id, index) : env;
    const siteErrors: string[] = [];
    const pbx = parsePbxSettings(siteEnv, kind, siteErrors);
    for (const e of siteErrors) {
      // A problem of the site's own value is named with the site; a shared one once.
      const own = [...PER_SITE, 'ESL_LISTEN'].some((n) => e.startsWith(`${n}:`) && siteEnv[n] !== env[n]);
      const text = own && configs.length > 1 ? `${e} (site ${id})` : e;
      if (!seen.has(text)) errors.push(text);
      seen.add(text);
    }
    if (!pbx) return;
    if (pbx.kind === 'asterisk') {
      out[id] = { ...pbx, ari: { ...pbx.ari, app: pbx.ari.app.replaceAll('{site}', id) } };
      return;
    }
    const drachtio = `${pbx.drachtio.host}:${pbx.drachtio.port}`;
    const esl = `${pbx.freeswitch.host}:${pbx.freeswitch.port}`;
    const sharedDrachtio = drachtioOf.get(drachtio);
    if (sharedDrachtio)
      errors.push(
        `DRACHTIO_URL: sites ${sharedDrachtio} and ${id} share the drachtio-server ${drachtio}; with several sites each has its own (DRACHTIO_URL_${envSuffix(id)}, or {site} in DRACHTIO_URL): drachtio-server hands a new call to any connected ACD`,
      );
    const sharedEsl = eslOf.get(esl);
    if (sharedEsl)
      errors.push(
        `FREESWITCH_ESL: sites ${sharedEsl} and ${id} share the FreeSWITCH ${esl}; with several sites each has its own (FREESWITCH_ESL_${envSuffix(id)}, or {site} in FREESWITCH_ESL)`,
      );
    drachtioOf.set(drachtio, id);
    eslOf.set(esl, id);
    out[id] = pbx;
  });
  return errors.length > 0 ? null : out;
}
