// What every agent command first checks: the call exists and the agent is on it.
import { type Command } from '../commands.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { type Call, type Party } from '../model.js';

export type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

export function partyOf(ctx: Ctx, callId: string, agentId: string): { call: Call; party: Party } | Rejection {
  const call = ctx.data.calls[callId];
  if (!call) return reject('unknown-call', `no call ${callId}`);
  const party = call.parties.find((p) => p.agentId === agentId);
  if (!party) return reject('agent-not-on-call', `agent ${agentId} is not connected to call ${callId}`);
  return { call, party };
}

export const isRejection = (x: object): x is Rejection => 'ok' in x;
