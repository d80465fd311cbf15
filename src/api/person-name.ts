// The name a console shows for a user who acted (who acknowledged an alarm): the user's display
// name when the user store has one of its own, else the name the site's configuration gives the
// user's agent, else none (the consoles then show the user name).
import type { Principal } from '../auth/index.js';
import type { SiteHandle } from '../ports/site-handle.js';
import type { ApiContext } from './context.js';

export async function personName(
  ctx: Pick<ApiContext, 'users'>,
  principal: Principal,
  site: SiteHandle,
): Promise<string | undefined> {
  const user = await ctx.users.findById(principal.userId);
  const display = user?.displayName.trim();
  if (display && display !== principal.username) return display.slice(0, 200);
  if (principal.agentId) return site.state.idx.agentConfigs.get(principal.agentId)?.name;
  return undefined;
}
