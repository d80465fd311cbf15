// A caller who hangs up while the ACD connects an agent (the replay at speed 40 found it). The agent's
// leg answers (answerOffer told), then the caller's StasisEnd comes before the engine's connectAgent
// is carried out: a call bridge made then would outlive its caller (StasisEnd already dropped the
// call's bridge), so connectAgent does nothing for a caller already gone, and the engine, told the
// caller hung up, releases the leg. An effect on a caller that fails with "Channel not found" while
// its StasisEnd was never heard (lost with the link) ends the call once the PBX confirms it.
import type { Effect } from '../../core/effects.js';
import type { AriRest } from './ari-rest.js';

/**
 * Effects whose failure may mean their caller is gone while the engine still holds the call (a
 * redirect to a partner is not one: the engine ended the call when it decided it).
 */
export const CALLER_EFFECTS: ReadonlySet<Effect['type']> = new Set([
  'holdCaller',
  'connectAgent',
  'offerCallback',
]);

/** ari-client rejects with the body's JSON as message: {"message":"Channel not found"}. */
export function isChannelNotFound(err: unknown): boolean {
  const message = (err as Error)?.message ?? String(err);
  return message.includes('Channel not found');
}

/** An ARI request on a bridge the PBX no longer has (404 "Bridge not found"). */
export function isBridgeNotFound(err: unknown): boolean {
  const message = (err as Error)?.message ?? String(err);
  return message.includes('Bridge not found');
}

/** Whether the PBX still lists the caller's channel (a listing that fails says nothing: kept). */
export async function callerStillThere(c: AriRest, callId: string): Promise<boolean> {
  try {
    return (await c.channels.list()).some((ch) => ch.id === callId);
  } catch {
    return true;
  }
}

/** The connect a leg answered for stands for (its failure is handled as connectAgent's). */
export function connectOf(leg: { callId: string; agentId: string }): Effect {
  return { type: 'connectAgent', callId: leg.callId, agentId: leg.agentId, conference: false };
}
