// The room as a supervisor sees it: queues, agents, live calls (without caller data), alarms,
// line switches, mode and the rolling QS 30 s. Sent whole on connect and after a configuration
// change; served by REST as the site overview.
import { z } from 'zod';
import type { State } from '../core/state.js';
import {
  agentView,
  agentViewSchema,
  alarmView,
  alarmViewSchema,
  liveCallView,
  liveCallViewSchema,
  qs30Schema,
  queueViews,
  queueViewSchema,
} from '../read-models/views.js';
import type { SiteFeed } from './site-feed.js';

export const lineSwitchViewSchema = z.object({
  line: z.string(),
  partnerId: z.string(),
  share: z.number(),
  from: z.number(),
  until: z.number().nullable(),
});

export const siteSnapshotSchema = z.object({
  siteId: z.string(),
  seq: z
    .number()
    .int()
    .describe(
      'version of the room: grows with every update (time-based, comparable between processes); 0 from a process that never published',
    ),
  serverTime: z.number().describe('epoch ms when built: waits are serverTime - since'),
  mode: z.enum(['two-level', 'one-level']).nullable(),
  period: z.enum(['sas', 'pdsa']).nullable(),
  qs30: qs30Schema,
  queues: z.array(queueViewSchema),
  agents: z.array(agentViewSchema),
  calls: z.array(liveCallViewSchema),
  alarms: z.array(alarmViewSchema),
  lineSwitches: z.array(lineSwitchViewSchema),
});
export type SiteSnapshot = z.infer<typeof siteSnapshotSchema>;

export function lineSwitchViews(state: State) {
  return Object.entries(state.data.lineSwitches).map(([line, s]) => ({
    line,
    partnerId: s.partnerId,
    share: s.share,
    from: s.from,
    until: s.until,
  }));
}

export function siteSnapshot(feed: SiteFeed, seq: number, now: number): SiteSnapshot {
  const state = feed.site.state;
  const d = state.data;
  return {
    siteId: feed.site.siteId,
    seq,
    serverTime: now,
    mode: d.mode,
    period: d.period,
    qs30: feed.qs30(now),
    queues: queueViews(state),
    agents: Object.values(d.agents).map((a) => agentView(state, a)),
    calls: Object.values(d.calls).map(liveCallView),
    alarms: Object.values(d.alarms).map(alarmView),
    lineSwitches: lineSwitchViews(state),
  };
}
