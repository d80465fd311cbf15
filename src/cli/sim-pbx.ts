// `sas-acd sim-pbx`: the ARI-speaking PBX simulator (simulator/pbx).
import type { Command } from 'commander';

export function registerSimPbx(_program: Command): void {
  // Registered by the telephony work (issue 11).
}
