// While a gated leader has not taken the PBX over (a new lead before its re-adoption, or a PBX link
// that dropped), it refuses an agent's hang-up, to be tried again once the PBX is taken over
// (503 `pbx-taking-over`). Decided then, the hang-up would end a call on a picture of the PBX that
// may be wrong: when the old leader died between connecting the agent (decided) and bridging the
// caller (never carried out), the caller still waits alone, and the take-over would then hang up a
// caller nobody ever spoke to (a lost call the engine counts as answered). Refused, the hang-up
// comes back after the re-adoption has bridged the caller with the agent. Every other command is
// decided as usual: what it asks of the PBX is re-adopted from the engine's plan.
import type { Command } from '../core/commands.js';
import { reject, type Rejection } from '../core/context.js';

export type CommandGate = (command: Command) => Rejection | null;

export function takeOverGate(carryingOutEffects: () => boolean): CommandGate {
  return (command) =>
    command.type === 'hangUp' && !carryingOutEffects()
      ? reject('pbx-taking-over', 'the PBX is being taken over: try the hang-up again in a moment')
      : null;
}
