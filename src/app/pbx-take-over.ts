// The take-over of the PBX by the leader of a site (serve): once its PBX link is up, re-adopt the
// calls in progress from the engine's plan, finish the effects left pending in the outbox (only
// those the plan does not cover), and only then carry effects out as they are decided
// (src/shell/effect-outbox.ts). Run at every new lead and after every ARI reconnection.
import { telephonyPlan, type CallPlan } from '../core/telephony-plan.js';
import type { Logger } from '../ports/logger.js';
import type { SiteShell } from '../shell/site-shell.js';
import type { PbxAdapter } from './pbx.js';
import {
  dialOutsPending,
  effectsAfterAdoption,
  hangUpsPending,
  redirectsPending,
} from '../telephony/pending-effects.js';

export async function takeOverPbx(
  site: SiteShell,
  adapter: PbxAdapter,
  ended: (callId: string) => boolean,
  logger: Logger,
  clock: () => number = Date.now,
): Promise<void> {
  const started = clock();
  const adopted: { report?: object } = {};
  const report = await site.takeOver<CallPlan[]>({
    snapshot: (state) => telephonyPlan(state, clock()),
    adopt: async (plans, pending) => {
      const leave = redirectsPending(pending);
      const hangUps = hangUpsPending(pending);
      const placing = dialOutsPending(pending);
      adopted.report = await adapter.adopt(plans, {
        ended: (id) => (ended(id) || hangUps.has(id)) && !leave.has(id),
        leave: (id) => leave.has(id),
        placing: (id) => placing.has(id),
      });
      return effectsAfterAdoption(pending, plans);
    },
  });
  if (report)
    logger.info(
      { adoption: adopted.report, outbox: report, ms: clock() - started },
      'PBX taken over: calls re-adopted, pending effects finished',
    );
}
