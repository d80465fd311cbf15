// When the ACD counts a call answered (docs/engine.md, "Answer or abandon: the bridge decides").
// The PBX's own record of an answer is a caller sharing a bridge with an agent. The agent's leg
// answering is not that yet: bridging takes one or two ARI requests (10–50 ms), and a caller who
// hangs up in between never talked to anyone. So for a caller waiting alone (the call has no
// bridge of its own yet: its first answer), the adapter bridges the answered leg first and tells
// the engine `answerOffer` only once the caller is in the bridge with the agent; a caller who hangs
// up before that is told first (`callerHungUp`), so the engine counts an abandon, once, and never
// an answer. Once the call has its bridge (warm transfer, conference, a caller back in a queue
// after an agent), an answer is told at once and bridged by the engine's `connectAgent`, as before.

/** Whether this answered leg is bridged before its answer is told. */
export function answersOnBridge(
  leg: { callId: string; dialOut?: boolean },
  callers: ReadonlyMap<string, unknown>,
  mixing: ReadonlyMap<string, unknown>,
): boolean {
  return !leg.dialOut && callers.has(leg.callId) && !mixing.has(leg.callId);
}
