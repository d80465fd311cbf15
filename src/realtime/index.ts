// Live updates over Socket.IO: `/supervisor` (site rooms, snapshot then coalesced deltas) and
// `/agent` (the agent's offers, call and figures).
export { attachRealtime, type Realtime, type RealtimeOptions } from './realtime-server.js';
export { SiteFeed, type Qs30 } from './site-feed.js';
export { siteSnapshotSchema, type SiteSnapshot } from './supervisor-snapshot.js';
export { DEFAULT_SUPERVISOR_INTERVAL_MS, siteDeltaSchema, type SiteDelta } from './supervisor-feed.js';
