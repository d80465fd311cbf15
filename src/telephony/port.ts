// The TelephonyPort: the boundary between the routing engine and a PBX, in the domain's words.
// Events in are engine commands (a call arrived, the caller hung up, an agent's leg answered,
// failed or was lost); effects out are the engine's effects (hold, ring, connect, release, hang
// up, redirect…).
//
// The contract on legs (docs/engine.md, "Legs"): the engine emits a release for every leg it had
// telephony create, whoever ends its part of the call, and the adapter carries each one out:
// - ringAgent creates an agent leg; it ends with cancelRing (offer taken back, caller gone) or, once
//   answered, with releaseAgent — on a transfer, a warm transfer completed, an agent's hang-up, a
//   caller's hang-up (the PBX does not hang up the other party of a bridge by itself), a lost leg;
// - dialOut creates an outbound leg (its channel id is the call's id); it ends with the hangUp of
//   that call (the agent hangs up, or the call it was placed from ends);
// - hangUp ends the caller's leg (and whatever of the call is still up); a caller who hung up or
//   was sent to a partner needs none.
// A release of a leg that is already gone is a no-op, never an error. What the adapter creates for
// itself (bridges, music) it removes when their call or queue no longer needs them.
// The adapter reports, in return: callerHungUp when the caller's leg (or a dial-out's far end)
// ends without the ACD asking; offerFailed when a ringing agent leg ends unanswered; agentLegLost
// when an answered agent leg ends without the ACD asking — never a hang-up of the call: only the
// caller or an agent's explicit hangUp command ends a call.
import type { Command } from '../core/commands.js';
import type { Effect } from '../core/effects.js';

/** Where an adapter sends what it observed, with the PBX's own timestamp (epoch ms). */
export type CommandSink = (command: Command, at: number) => void;

export interface TelephonyPort {
  /** Connects to the PBX and starts reporting calls to the sink. */
  start(sink: CommandSink): Promise<void>;
  /** Carries out one effect; failures are reported back through the sink as commands, never thrown. */
  execute(effect: Effect): Promise<void>;
  /** Disconnects. Callers wait for the engine's effects to be carried out first (hang-ups in flight). */
  stop(): Promise<void>;
  /** Whether the PBX connection is up (for /readyz and the metrics). */
  readonly connected: boolean;
}
