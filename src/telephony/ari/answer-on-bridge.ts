// When the ACD counts a call answered (docs/engine.md, "Answer or abandon: the bridge decides").
// The PBX's own record of an answer is a caller sharing a bridge with an agent. The agent's leg
// answering is not that yet: bridging takes one or two ARI requests (10–50 ms), and a caller who
// hangs up in between never talked to anyone. So for a caller waiting alone (the call has no
// bridge of its own yet: its first answer), the adapter bridges the answered leg first and tells
// the engine `answerOffer` only once the caller is in the bridge with the agent; a caller who hangs
// up before that is told first (`callerHungUp`), so the engine counts an abandon, once, and never
// an answer. The same for a caller waiting alone again after an agent (sent on to N2: its call
// already has a bridge, empty since N1 left): a replay of a busy morning at speed 60 counted N2
// answers the PBX saw as abandons. Only while another agent is still with the caller (warm
// transfer, conference) is an answer told at once and bridged by the engine's `connectAgent`.

/** Whether this answered leg is bridged before its answer is told. */
export function answersOnBridge(
  leg: { callId: string; dialOut?: boolean },
  callers: ReadonlyMap<string, unknown>,
  mixing: ReadonlyMap<string, unknown>,
  anotherAgentWithCaller: boolean,
): boolean {
  if (leg.dialOut || !callers.has(leg.callId)) return false;
  return !mixing.has(leg.callId) || !anotherAgentWithCaller;
}
