// The small document the browser pages read at start (`/web-config.json`): which site, the demo's
// virtual phone or the WebRTC gateway (never a password), and the labels of the site's
// configuration the screens show (line labels, queue names, dispositions, partners) so that no
// screen shows a raw id. No agent, user or caller data:
// the document is public like the pages themselves. Built at each request: a configuration
// change shows at the next page load.
import { panelKeyMaps, type PanelKeyMaps } from '../core/panel-keys.js';
import { qsTargetOf } from '../core/qs-target.js';
import type { SiteHandle } from '../ports/site-handle.js';

export type WebSite = {
  name: string;
  /** The site's time zone: clock times on the screens are the room's, not the browser's. */
  timeZone: string;
  lines: { id: string; label: string }[];
  queues: {
    id: string;
    name: string;
    stage: string;
    branch: string;
    roles: string[];
    thresholdSeconds: number;
  }[];
  dispositions: string[];
  /** The QS 30 s target (0–1): the site's `qsTarget`, or the illustrative default. */
  qsTarget: number;
  /** Names and destinations (a number or a dialplan name; no secret): the panel names a partner it dials. */
  partners: { id: string; name: string; destination: string }[];
  /** The panel's keys per step (key → action): the site's `panelKeys` over the defaults. */
  keys: PanelKeyMaps;
  routing: {
    p1Queue: string;
    p2Queue: string;
    keptAsQueue: string;
    doctorQueue: string;
    transferMode: 'blind' | 'warm';
  };
};

export type WebConfigDocument = {
  /** The site of the page: `?site=` of the page's address, else the process's first site. */
  siteId: string;
  /** Every site this process serves (a page of another site: `?site=<id>` in its address). */
  sites: string[];
  /** Each served site's name (its configuration's `name`), for the pages' site picker. */
  siteNames: Record<string, string>;
  virtualPhoneUrl: string | null;
  /** The SIP/WebRTC gateway: the panel's phone is WebRTC (credentials from /sites/{s}/agent/phone). */
  sipGatewayUrl: string | null;
  site: WebSite | null;
};

export function webSite(site: SiteHandle | undefined): WebSite | null {
  if (!site) return null;
  const c = site.state.data.config;
  return {
    name: c.name,
    timeZone: c.calendar.timeZone,
    lines: c.lines.map((l) => ({ id: l.id, label: l.label ?? l.id })),
    queues: c.queues.map((q) => ({
      id: q.id,
      name: q.name ?? q.id,
      stage: q.stage,
      branch: q.branch,
      roles: [...q.roles],
      thresholdSeconds: q.thresholdSeconds,
    })),
    dispositions: [...c.dispositions],
    qsTarget: qsTargetOf(c),
    partners: c.partners.map((p) => ({ id: p.id, name: p.name, destination: p.destination })),
    keys: panelKeyMaps(c.panelKeys),
    routing: {
      p1Queue: c.routing.p1Queue,
      p2Queue: c.routing.p2Queue,
      keptAsQueue: c.routing.keptAsQueue,
      doctorQueue: c.routing.doctorQueue,
      transferMode: c.routing.transferMode,
    },
  };
}
