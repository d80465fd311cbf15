// Minimum presence as configuration: who must be logged in, where and when. The defaults are
// annex 1 II.b of the instruction ("Professionnels concernés : qui traite l'appel ?"):
//   "Filière AMU : la présence d’ARM et d’au moins un médecin urgentiste à tout moment en H24 ;
//    Filière MG : la présence en journée des opérateurs de soins non programmés (OSNP), ainsi que
//    la disponibilité d’au moins un médecin généraliste [...]"
// and the first answer by ARMs (annex 1 II.a, report P1), hence an ARM at N1 at all hours.
// An agent counts for a rule when logged in (paused included: present, not available), with the
// rule's role, and skilled on a queue of the rule's stage and branch that the role serves.
import type { SiteConfig } from './config.js';
import type { Role, Stage } from './model.js';

export type PresenceHours = 'always' | 'sas' | 'pdsa';

export type PresenceRule = {
  /** The alarm is "presence:<id>". */
  id: string;
  role: Role;
  branch?: string;
  stage?: Stage;
  hours: PresenceHours;
  minimum: number;
};

export const DEFAULT_PRESENCE: PresenceRule[] = [
  // P1: the first answer is the ARMs' alone, so N1 is staffed at all hours.
  { id: 'n1', role: 'arm', stage: 'n1', hours: 'always', minimum: 1 },
  // "Filière AMU : la présence d’ARM [...] à tout moment en H24": the N2 AMU ARM.
  { id: 'n2-amu-arm', role: 'arm', stage: 'n2', branch: 'amu', hours: 'always', minimum: 1 },
  // "[...] et d’au moins un médecin urgentiste à tout moment en H24".
  { id: 'mru', role: 'mru', branch: 'amu', hours: 'always', minimum: 1 },
  // "Filière MG : la présence en journée des opérateurs de soins non programmés (OSNP)".
  { id: 'osnp', role: 'osnp', branch: 'mg', hours: 'sas', minimum: 1 },
  // "[...] ainsi que la disponibilité d’au moins un médecin généraliste": in SAS hours; in PDSA
  // hours the out-of-hours regulation takes the P2 calls (routing.p2OutsideMgHours).
  { id: 'mrg', role: 'mrg', branch: 'mg', hours: 'sas', minimum: 1 },
];

const ROLE_FR: Record<Role, string> = {
  arm: 'ARM',
  osnp: 'OSNP',
  mrg: 'médecin régulateur généraliste',
  mru: 'médecin régulateur urgentiste',
  supervisor: 'superviseur',
};
const STAGE_FR: Record<Stage, string> = {
  n1: 'niveau 1',
  n2: 'niveau 2',
  regulation: 'régulation',
  booking: 'prise de rendez-vous',
};
const HOURS_FR: Record<PresenceHours, string> = {
  always: 'H24',
  sas: 'horaires SAS',
  pdsa: 'horaires PDSA',
};

/** The supervisors' message (French): who is missing, where and when (no count: it would go stale). */
export function presenceMessage(rule: PresenceRule): string {
  const where = [
    rule.stage ? STAGE_FR[rule.stage] : null,
    rule.branch ? `filière ${rule.branch.toUpperCase()}` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const who =
    rule.minimum === 1 ? `aucun ${ROLE_FR[rule.role]}` : `moins de ${rule.minimum} ${ROLE_FR[rule.role]}`;
  return `Présence insuffisante : ${who}${where ? ` (${where})` : ''} connecté, ${HOURS_FR[rule.hours]}`;
}

/** The rules in force: the site's own (config `presence`) or the annex's defaults. */
export const presenceRules = (c: SiteConfig): PresenceRule[] => c.presence ?? DEFAULT_PRESENCE;

/** Whether an agent with these roles and skills counts for the rule (logged-in status apart). */
export function countsFor(
  rule: PresenceRule,
  roles: readonly Role[],
  skills: readonly { queue: string }[],
  queues: Map<string, { stage: Stage; branch: string; roles: readonly Role[] }>,
): boolean {
  if (!roles.includes(rule.role)) return false;
  return skills.some((s) => {
    const q = queues.get(s.queue);
    return (
      q !== undefined &&
      q.roles.includes(rule.role) &&
      (rule.stage === undefined || q.stage === rule.stage) &&
      (rule.branch === undefined || q.branch === rule.branch)
    );
  });
}
