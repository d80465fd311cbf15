// Types shared with the API: the very zod-inferred types the server builds its messages with
// (type-only imports, erased from the bundle).
export type {
  AgentView,
  CallView,
  LiveCallView,
  QueueView,
  AlarmView,
  AgentStats,
} from '../../src/read-models/views.js';
export type { SiteSnapshot } from '../../src/realtime/supervisor-snapshot.js';
export type { SiteDelta } from '../../src/realtime/supervisor-feed.js';
export type { WebConfigDocument as WebConfig, WebSite } from '../../src/app/web-config.js';
export type { Qualification, Role, AgentStatus } from '../../src/core/model.js';

import type { AgentStats, AgentView, CallView, QueueView } from '../../src/read-models/views.js';

/** The `/agent` feed's snapshot and update: the agent's own desk. */
export type Desk = {
  siteId: string;
  serverTime: number;
  agent: AgentView;
  call: CallView | null;
  stats: AgentStats;
  /** The site's queue load from the same state as the rest of the desk. */
  queues: QueueView[];
};

/** What the API answers on success of a login or a refresh. */
export type Tokens = {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: { id: string; username: string; roles: string[]; sites: string[]; agentId: string | null };
};
