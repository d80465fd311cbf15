// The engine's entry point: execute(state, command, now) decides what happens, applies the
// resulting events to the state, and returns them with the effects telephony must carry out.
// A rejected command changes nothing and says why.
import type { Command } from './commands.js';
import { Ctx, reject, type Rejection } from './context.js';
import { prototypeIdRefusal } from './prototype-ids.js';
import type { Effect } from './effects.js';
import type { Event } from './events.js';
import { acknowledgeAlarm } from './rules/alarm-ack.js';
import { agentLogin, agentLogout, agentPause, agentReady } from './rules/agent-presence.js';
import { arriveCall } from './rules/call-arrival.js';
import { acceptCallback, claimCallback, completeCallback } from './rules/callbacks.js';
import { timerFired } from './rules/deadlines.js';
import { recordFallbackAbandon, recordFallbackCall, recordMissedAbandon } from './rules/fallback.js';
import { cancelConsultation, completeConsultation } from './rules/consult-outside.js';
import { linkFile } from './rules/file-link.js';
import { startListening, stopListening } from './rules/listen-in.js';
import { hangUp } from './rules/hang-up.js';
import { redirectCall, restoreLine, switchLine } from './rules/line-switching.js';
import { agentLegLost } from './rules/lost-leg.js';
import { setMode } from './rules/modes.js';
import { cancelOutsideTransfer, dialOut, outsideAnswered } from './rules/outside-calls.js';
import { bringInDoctor } from './rules/p0-doctor.js';
import { answerOffer, callerHungUp, offerFailed } from './rules/phone-events.js';
import { qualifyCall } from './rules/qualification.js';
import { redirectFailed } from './rules/redirect-failed.js';
import { reorientCall } from './rules/reorientation.js';
import { moveAgent, replaceConfig } from './rules/supervision.js';
import { transferCall } from './rules/transfer.js';
import { deadlineOf, type State } from './state.js';

export type Accepted = { ok: true; events: Event[]; effects: Effect[] };
export type Result = Accepted | Rejection;

function run(ctx: Ctx, cmd: Command): Rejection | void {
  switch (cmd.type) {
    case 'arriveCall':
      return arriveCall(ctx, cmd);
    case 'callerHungUp':
      return callerHungUp(ctx, cmd);
    case 'redirectFailed':
      return redirectFailed(ctx, cmd);
    case 'answerOffer':
      return answerOffer(ctx, cmd);
    case 'offerFailed':
      return offerFailed(ctx, cmd);
    case 'acceptCallback':
      return acceptCallback(ctx, cmd);
    case 'agentLegLost':
      return agentLegLost(ctx, cmd);
    case 'recordFallbackCall':
      return recordFallbackCall(ctx, cmd);
    case 'recordFallbackAbandon':
      return recordFallbackAbandon(ctx, cmd);
    case 'recordMissedAbandon':
      return recordMissedAbandon(ctx, cmd);
    case 'qualifyCall':
      return qualifyCall(ctx, cmd);
    case 'transferCall':
      return transferCall(ctx, cmd);
    case 'reorientCall':
      return reorientCall(ctx, cmd);
    case 'bringInDoctor':
      return bringInDoctor(ctx, cmd);
    case 'hangUp':
      return hangUp(ctx, cmd);
    case 'dialOut':
      return dialOut(ctx, cmd);
    case 'outsideAnswered':
      return outsideAnswered(ctx, cmd);
    case 'cancelOutsideTransfer':
      return cancelOutsideTransfer(ctx, cmd);
    case 'completeConsultation':
      return completeConsultation(ctx, cmd);
    case 'cancelConsultation':
      return cancelConsultation(ctx, cmd);
    case 'linkFile':
      return linkFile(ctx, cmd);
    case 'claimCallback':
      return claimCallback(ctx, cmd);
    case 'completeCallback':
      return completeCallback(ctx, cmd);
    case 'agentLogin':
      return agentLogin(ctx, cmd);
    case 'agentLogout':
      return agentLogout(ctx, cmd);
    case 'agentReady':
      return agentReady(ctx, cmd);
    case 'agentPause':
      return agentPause(ctx, cmd);
    case 'moveAgent':
      return moveAgent(ctx, cmd);
    case 'setMode':
      return setMode(ctx, cmd);
    case 'switchLine':
      return switchLine(ctx, cmd);
    case 'restoreLine':
      return restoreLine(ctx, cmd);
    case 'redirectCall':
      return redirectCall(ctx, cmd);
    case 'replaceConfig':
      return replaceConfig(ctx, cmd);
    case 'acknowledgeAlarm':
      return acknowledgeAlarm(ctx, cmd);
    case 'startListening':
      return startListening(ctx, cmd);
    case 'stopListening':
      return stopListening(ctx, cmd);
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
  // An id naming an Object.prototype member ("constructor"…) would find it in a plain record.
  const refused = prototypeIdRefusal(cmd);
  if (refused) return { ok: false, ...refused };
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
