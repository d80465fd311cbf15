// Reorientation between the two N2 branches (instruction, annex 1: the MG regulator may send a call
// to the AMU, which keeps its original arrival and takes the reorientation priority; the AMU may send
// a call to the MG branch's OSNP). A transfer whose target comes from the site's routing, refused
// from N1 or towards the branch the call is already in.
import type { Command } from '../commands.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { transferCall } from './transfer.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

export function reorientCall(ctx: Ctx, cmd: Cmd<'reorientCall'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  const party = call.parties.find((p) => p.agentId === cmd.agentId);
  if (!party) return reject('agent-not-on-call', `agent ${cmd.agentId} is not connected to call ${call.id}`);
  if (cmd.to !== 'amu' && cmd.to !== 'mg') return reject('target-required', 'reorient to amu or mg');
  const from = ctx.idx.queues.get(party.queueId)!;
  if (from.stage === 'n1' || from.branch === cmd.to)
    return reject(
      'not-a-reorientation',
      `cannot reorient from ${from.id}: only from an N2 queue to the other branch (use transfer)`,
    );
  const r = ctx.data.config.routing;
  return transferCall(ctx, {
    type: 'transferCall',
    callId: call.id,
    agentId: cmd.agentId,
    to: cmd.to === 'amu' ? r.p1Queue : r.p2Queue,
    ...(cmd.mode !== undefined ? { mode: cmd.mode } : {}),
  });
}
