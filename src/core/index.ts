// The pure routing core's public face.
export { execute, nextWakeAt, type Result, type Accepted } from './engine.js';
export { evolve } from './evolve.js';
export { initialState, buildIndexes, type State, type SiteData } from './state.js';
export { parseSiteConfig, siteConfigSchema, type SiteConfig } from './config.js';
export { exampleSite } from './example-site.js';
export type { Command } from './commands.js';
export type { Event } from './events.js';
export type { Effect } from './effects.js';
export * from './model.js';
