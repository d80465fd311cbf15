// The labels talk and wrap-up times are reported under: the roles of annex 3 table 3 (N1 ARM,
// N2 AMU ARM, OSNP, GP regulator, hospital regulator), told apart by role and queue step.
import type { AgentLeftCall } from '../events.js';

export const TALK_LABELS = {
  'n1-arm': 'N1 ARM',
  'n2-amu-arm': 'N2 AMU ARM',
  'arm-kept': 'ARM on a call kept at N1 (P0, one-level mode)',
  osnp: 'OSNP',
  mrg: 'GP regulator (MRG)',
  mru: 'Hospital (emergency) regulator (MRU)',
  outbound: 'Outbound calls (any role)',
} as const;

export type TalkLabel = keyof typeof TALK_LABELS;

/** The label of one agent's time on a call; anything unusual (an exception) keeps its own label. */
export function talkLabel(e: Pick<AgentLeftCall, 'role' | 'stage' | 'branch'>, kept: boolean): string {
  if (e.role === 'arm') {
    if (kept) return 'arm-kept';
    if (e.stage === 'n1') return 'n1-arm';
    if (e.stage === 'n2' && e.branch === 'amu') return 'n2-amu-arm';
    return `arm-${e.stage}-${e.branch}`;
  }
  return e.role;
}
