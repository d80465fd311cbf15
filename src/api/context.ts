// What every router needs: the sites this process serves, their live feeds, the users and tokens,
// the logger, the clock, and the decision-latency probe for metrics.
import type { Logger } from '../ports/logger.js';
import type { SiteHandle } from '../ports/site-handle.js';
import type { LoginLimiter, TokenService, UserStore } from '../auth/index.js';
import type { SiteFeed } from '../realtime/site-feed.js';

export type ApiContext = {
  sites: Map<string, SiteHandle>;
  feeds: Map<string, SiteFeed>;
  users: UserStore;
  tokens: TokenService;
  loginLimiter: LoginLimiter;
  logger: Logger;
  clock: () => number;
  /** Seconds the engine took to decide a command, by command type (metrics). */
  observeDecision: (command: string, seconds: number) => void;
};
