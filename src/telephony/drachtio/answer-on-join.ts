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

/**
 * Whether the caller is with (or being joined with) a first answer the engine has not acted on
 * yet: no connectAgent for it carried out, its leg neither released nor hung up. A holdCaller
 * carried out now was decided before the engine heard of that answer (while the ring that brought it
 * was being bridged, or a take-over's plan made before it was told) and must not take the caller out of
 * the agent's bridge (the race fixed on Asterisk in ../ari/ari-adapter.ts). If the engine does not
 * take the answer, its cancelRing releases the leg and puts the caller back on hold.
 */
export function holdsFirstAnswer(caller: Caller): boolean {
  const first = caller.firstAnswer;
  return !!first && (first.bridging || caller.with.has(first.agentId));
}

/** The engine acted on this agent's answer (connectAgent), or its leg ended: holds are its own again. */
export function firstAnswerSettled(caller: Caller | undefined, agentId: string): void {
  if (caller?.firstAnswer?.agentId === agentId) caller.firstAnswer = null;
}
