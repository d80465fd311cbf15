// Path parameter schemas shared by the routers.
import { z } from 'zod';

const id = (what: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, `expected a ${what} id (letters, digits, ".", "_", ":", "-")`);

export const siteParams = z.object({ siteId: id('site').describe('the site (SAS) id, e.g. 44') });
export const callParams = siteParams.extend({ callId: id('call') });
export const agentParams = siteParams.extend({ agentId: id('agent') });
export const taskParams = siteParams.extend({ taskId: id('callback task') });
export const lineParams = siteParams.extend({ lineId: id('line') });

/** For a supervisor acting on an agent's behalf; an agent may only name itself. */
export const onBehalf = z
  .string()
  .min(1)
  .optional()
  .describe("supervisors: the agent to act for (default: the call's only agent); agents: omit");
