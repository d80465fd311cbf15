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

/**
 * The roles of annex 3 table 3 items 9–13 ("Durée moyenne des appels pris en charge par …"), each
 * with the talk labels it gathers. Item 9, the front-office ARM, takes every call an N1 ARM took,
 * those it kept too (P0, one-level mode): the annex asks for the ARM "de front office", whatever
 * the ARM then did with the call.
 */
export const ANNEX_ROLES = {
  'front-office-arm': { item: 9, labels: ['n1-arm', 'arm-kept'] },
  'n2-amu-arm': { item: 10, labels: ['n2-amu-arm'] },
  osnp: { item: 11, labels: ['osnp'] },
  mrg: { item: 12, labels: ['mrg'] },
  mru: { item: 13, labels: ['mru'] },
} as const;

export type AnnexRole = keyof typeof ANNEX_ROLES;

/** The annex 3 role a talk label counts under, or null (outbound calls, role exceptions). */
export function annexRole(label: string): AnnexRole | null {
  return ROLE_OF_LABEL.get(label) ?? null;
}

// Looked up for every agent leaving a call (a year of the twin: millions): a map, not a scan.
const ROLE_OF_LABEL = new Map<string, AnnexRole>(
  Object.entries(ANNEX_ROLES).flatMap(([role, r]) => r.labels.map((l) => [l, role as AnnexRole] as const)),
);
