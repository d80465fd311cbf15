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
export const alarmParams = siteParams.extend({ alarmId: id('alarm') });

/** For a supervisor acting on an agent's behalf; an agent may only name itself. */
export const onBehalf = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe("supervisors: the agent to act for (default: the call's only agent); agents: omit");

/** Free text a person typed (a name, a reason): trimmed, bounded, no control characters. */
export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    // eslint-disable-next-line no-control-regex -- control characters are what this refuses
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'control characters are not allowed');
