// The API's public face: createApi and what a caller needs to wire it into `sas-acd serve`.
export { createApi, type Api, type ApiOptions } from './create-api.js';
export { Problem, problemSchema, type ProblemBody } from './problem.js';
export type { AnyRoute } from './route.js';
export {
  InMemoryUserStore,
  seedDemoUsers,
  hashPassword,
  type User,
  type UserStore,
  type UserRole,
  type Principal,
  type OidcProvider,
} from '../auth/index.js';
export type { ReadinessCheck } from '../observability/index.js';
export type { SiteSnapshot, SiteDelta } from '../realtime/index.js';
