// P2 goes to MG in SAS hours, to the PDSA regulation outside, to the AMU doctors when no GP
// regulator is logged in.
import { periodAt } from '../calendar.js';
import { type Ctx } from '../context.js';

/** Whether MG (GP) regulation is open now: outside it, P2 goes to the site's PDSA regulation. */
function mgOpen(ctx: Ctx): boolean {
  const r = ctx.data.config.routing;
  return r.mgHours === 'always' || periodAt(ctx.data.config.calendar, ctx.now) === 'sas';
}

function gpRegulatorLoggedIn(ctx: Ctx): boolean {
  return (ctx.idx.loggedInByRole.get('mrg') ?? 0) > 0;
}

/** Where a P2 goes now: MG N2 in MG hours; the PDSA regulation outside; the AMU doctors when no GP regulator is there. */
export function p2Target(ctx: Ctx): string {
  const r = ctx.data.config.routing;
  if (!mgOpen(ctx) && r.p2OutsideMgHours) return r.p2OutsideMgHours;
  if (!gpRegulatorLoggedIn(ctx) && r.p2WithoutGpRegulator) return r.p2WithoutGpRegulator;
  return r.p2Queue;
}
