// When the ACD counts a FreeSWITCH call answered (docs/engine.md, "Answer or abandon: the bridge
// decides"; the Asterisk side: ../ari/answer-on-bridge.ts). An agent's phone answering is not yet a
// caller talking to someone: the bridge takes a uuid_break and a uuid_bridge on FreeSWITCH, and a
// caller who hangs up in between never talked to anyone. So for a first answer (the caller waiting
// alone, never with an agent yet) the adapter bridges the answered leg first and tells the engine
// `answerOffer` only once the caller is with the agent; a caller who hangs up before that is told
// first (`callerHungUp`), so the engine counts an abandon, once, and never an answer. Later answers
// (a transfer, the doctor in a conference, a caller back in a queue after an agent) are told at once
// and joined by the engine's `connectAgent`, as before: the call was already answered.
import type { Caller, Leg } from './call-state.js';

/** Whether this answered leg is joined with its caller before its answer is told. */
export function joinsBeforeAnswer(leg: Leg, caller: Caller): boolean {
  return !leg.dialOut && !caller.gone && !caller.joined && caller.with.size === 0 && !caller.conference;
}
