// The TelephonyPort: the boundary between the routing engine and a PBX, in the domain's words.
// Events in are engine commands (a call arrived, the caller hung up, an agent's leg answered or
// failed); effects out are the engine's effects (hold, ring, connect, release, hang up, redirect…).
import type { Command } from '../core/commands.js';
import type { Effect } from '../core/effects.js';

/** Where an adapter sends what it observed, with the PBX's own timestamp (epoch ms). */
export type CommandSink = (command: Command, at: number) => void;

export interface TelephonyPort {
  /** Connects to the PBX and starts reporting calls to the sink. */
  start(sink: CommandSink): Promise<void>;
  /** Carries out one effect; failures are reported back through the sink as commands, never thrown. */
  execute(effect: Effect): Promise<void>;
  stop(): Promise<void>;
  /** Whether the PBX connection is up (for /readyz and the metrics). */
  readonly connected: boolean;
}
