// The engine's entry point: execute(state, command, now) decides what happens, applies the
// resulting events to the state, and returns them with the effects telephony must carry out.
// A rejected command changes nothing and says why.
import type { Command } from './commands.js';
import { Ctx, reject, type Rejection } from './context.js';
import type { Effect } from './effects.js';
import type { Event } from './events.js';
import * as agentCommands from './handlers/agent-commands.js';
import * as supervisorCommands from './handlers/supervisor-commands.js';
import * as telephonyCommands from './handlers/telephony-commands.js';
import { reorientCall } from './handlers/reorientation.js';
import { timerFired } from './handlers/site-clock.js';
import { deadlineOf, type State } from './state.js';

export type Accepted = { ok: true; events: Event[]; effects: Effect[] };
export type Result = Accepted | Rejection;

function run(ctx: Ctx, cmd: Command): Rejection | void {
  switch (cmd.type) {
    case 'arriveCall':
      return telephonyCommands.arriveCall(ctx, cmd);
    case 'callerHungUp':
      return telephonyCommands.callerHungUp(ctx, cmd);
    case 'answerOffer':
      return telephonyCommands.answerOffer(ctx, cmd);
    case 'offerFailed':
      return telephonyCommands.offerFailed(ctx, cmd);
    case 'acceptCallback':
      return telephonyCommands.acceptCallback(ctx, cmd);
    case 'agentLegLost':
      return telephonyCommands.agentLegLost(ctx, cmd);
    case 'qualifyCall':
      return agentCommands.qualifyCall(ctx, cmd);
    case 'transferCall':
      return agentCommands.transferCall(ctx, cmd);
    case 'reorientCall':
      return reorientCall(ctx, cmd);
    case 'bringInDoctor':
      return agentCommands.bringInDoctor(ctx, cmd);
    case 'hangUp':
      return agentCommands.hangUp(ctx, cmd);
    case 'dialOut':
      return agentCommands.dialOut(ctx, cmd);
    case 'claimCallback':
      return agentCommands.claimCallback(ctx, cmd);
    case 'completeCallback':
      return agentCommands.completeCallback(ctx, cmd);
    case 'agentLogin':
      return agentCommands.agentLogin(ctx, cmd);
    case 'agentLogout':
      return agentCommands.agentLogout(ctx, cmd);
    case 'agentReady':
      return agentCommands.agentReady(ctx, cmd);
    case 'agentPause':
      return agentCommands.agentPause(ctx, cmd);
    case 'moveAgent':
      return supervisorCommands.moveAgent(ctx, cmd);
    case 'setMode':
      return supervisorCommands.setMode(ctx, cmd);
    case 'switchLine':
      return supervisorCommands.switchLine(ctx, cmd);
    case 'restoreLine':
      return supervisorCommands.restoreLine(ctx, cmd);
    case 'redirectCall':
      return supervisorCommands.redirectCall(ctx, cmd);
    case 'replaceConfig':
      return supervisorCommands.replaceConfig(ctx, cmd);
    case 'timerFired':
      return timerFired(ctx);
    default: {
      // A command type without a handler fails to compile here; at run time, bad input is refused.
      const unhandled: never = cmd;
      return reject(
        'unknown-command',
        `unknown command type ${JSON.stringify((unhandled as { type?: unknown }).type)}`,
      );
    }
  }
}

/**
 * Handles one command at time `now` (epoch ms). Handlers check everything before they emit, so
 * a rejection leaves the state untouched.
 */
export function execute(state: State, cmd: Command, now: number): Result {
  if (!Number.isFinite(now))
    return { ok: false, reason: 'bad-time', message: 'now must be a finite epoch time in ms' };
  if (typeof cmd !== 'object' || cmd === null)
    return { ok: false, reason: 'bad-command', message: 'a command is an object with a type' };
  const ctx = new Ctx(state, now);
  const rejected = run(ctx, cmd);
  if (rejected) {
    if (ctx.events.length > 0)
      throw new Error(`handler for ${cmd.type} emitted events before rejecting: ${rejected.reason}`);
    return rejected;
  }
  return { ok: true, events: ctx.events, effects: ctx.effects };
}

/** When the shell must next send `timerFired` (epoch ms), or undefined if nothing is scheduled. */
export function nextWakeAt(state: State): number | undefined {
  if (state.data.calendarCheckAt === null) return 0;
  const heap = state.idx.timers;
  for (;;) {
    const top = heap.peek();
    if (!top) return undefined;
    if (deadlineOf(state.data, top.kind, top.id) === top.at) return top.at;
    heap.pop();
  }
}
