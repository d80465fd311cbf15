// Sends a command to a site and turns an engine refusal into a problem, from the one list of reasons
// in src/core/rejections.ts: 422 when the request itself is wrong for this site (unknown queue, bad
// disposition, role rule…), 409 when it is fine but the state does not allow it now (call not
// qualified yet, agent on a call…), 503 when no decision could be had. The engine changes nothing
// when it refuses.
import type { SiteHandle } from '../ports/site-handle.js';
import type { Command } from '../core/commands.js';
import type { Accepted } from '../core/engine.js';
import {
  isRejectionReason,
  REJECTIONS,
  type RejectionKind,
  type RejectionReason,
} from '../core/rejections.js';
import type { ApiContext } from './context.js';
import { fr_en, Problem } from './problem.js';
import { commandIdOf } from '../shell/command-outcome.js';
import { outcomeUnknownProblem } from './outcome-unknown.js';

const STATUS: Record<RejectionKind, number> = { invalid: 422, conflict: 409, unavailable: 503 };
const TITLE: Record<RejectionKind, string> = {
  invalid: 'Command refused as invalid',
  conflict: 'Command refused in the current state',
  unavailable: 'No decision from the site (store or writer unavailable)',
};

/** The French lead shown to the room for every reason; the engine's English message follows. */
export const FRENCH_REJECTIONS: Record<RejectionReason, string> = {
  'bad-call-id': "Identifiant d'appel invalide",
  'bad-command': 'Commande mal formée',
  'bad-file-id': 'Identifiant de dossier (DRM) invalide',
  'bad-time': 'Horodatage invalide',
  'unknown-command': 'Commande inconnue',
  'bad-mode': 'Mode de fonctionnement inconnu',
  'bad-number': 'Numéro de téléphone invalide',
  'bad-purpose': "Motif d'appel sortant inconnu",
  'bad-qualification': 'Qualification inconnue (P0, P1, P2 ou DR)',
  'bad-reason': 'Motif invalide',
  'bad-share': 'Part de bascule invalide (entre 0 et 1)',
  'bad-skills': 'Compétences invalides',
  'bad-until': 'Échéance invalide',
  'cannot-return-to-n1': 'Un appel ne revient pas au niveau 1 une fois transféré',
  'dr-not-transferred': 'Un appel DR se termine au niveau 1 : raccrochez avec une issue',
  'invalid-config': 'Configuration refusée',
  'queue-not-allowed-for-line': "Cette file n'est pas accessible depuis cette ligne",
  'reason-required': 'Indiquez un motif',
  'role-cannot-qualify': 'Seul un ARM qualifie un appel',
  'role-cannot-serve': 'Ce rôle ne peut pas traiter cette file',
  'role-rule': 'Affectation contraire aux règles de rôle (ARM, OSNP, niveaux)',
  'same-queue': "L'appel est déjà dans cette file",
  'target-required': 'Choisissez une file de destination',
  'unknown-agent': 'Agent inconnu sur ce site',
  'unknown-disposition': 'Issue inconnue : choisissez une issue de la liste du site',
  'unknown-line': 'Ligne inconnue sur ce site',
  'unknown-partner': 'SAS partenaire inconnu',
  'unknown-queue': 'File inconnue sur ce site',
  'back-to-origin': "Un appel reçu d'un SAS partenaire ne lui est jamais renvoyé",
  'agent-busy': "L'agent est occupé",
  'no-call-to-transfer': "Un transfert vers l'extérieur se fait depuis un appel",
  'not-outbound': "Cet appel n'est pas un appel sortant",
  'agent-not-logged-in': "L'agent n'est pas connecté",
  'agent-not-on-call': "L'agent n'est pas en communication sur cet appel",
  'agent-on-call': "L'agent est en communication : terminez l'appel d'abord",
  'already-doctor': 'Un médecin est déjà appelé sur cet appel',
  'already-logged-in': "L'agent est déjà connecté",
  'already-qualified': "L'appel a déjà été qualifié au niveau 1",
  'call-connected': "L'appel est déjà en communication",
  'call-not-waiting': "L'appel n'attend pas dans une file",
  'callback-not-offered': 'Le rappel ne se propose que dans la filière MG',
  'config-incompatible': 'Configuration incompatible avec les appels ou agents en cours',
  'duplicate-call': 'Cet appel est déjà connu',
  'line-not-switched': "Cette ligne n'est pas basculée",
  'not-logged-in': "Connectez d'abord l'agent à l'ACD",
  'not-offered-to-agent': "L'appel n'est pas proposé à ce poste",
  'not-qualified': "Qualifiez l'appel (P0/P1/P2) avant de le transférer",
  'not-a-reorientation':
    "Réorientation possible seulement d'une file N2 vers l'autre filière (sinon, « transférer »)",
  'task-already-claimed': 'Ce rappel est déjà pris par un autre agent',
  'task-not-claimed-by-agent': "Prenez d'abord ce rappel",
  'transfer-in-progress': "L'appel est déjà en cours de transfert",
  'bad-consultation-mode': 'Fin de transfert accompagné inconnue (transfert ou conférence à trois)',
  'no-consultation': 'Aucun transfert accompagné en cours sur cet appel',
  'no-transfer-ringing': "Aucun transfert vers l'extérieur ne sonne sur cet appel",
  'transfer-not-yours': "Ce transfert vers l'extérieur a été lancé par un autre agent",
  'consultation-not-answered': "Le correspondant n'a pas encore décroché",
  'consultation-in-progress': "Transfert accompagné en cours : transférez ou reprenez d'abord l'appelant",
  'unknown-call': 'Appel inconnu ou déjà terminé',
  'unknown-task': 'Rappel inconnu',
  'unknown-alarm': 'Alarme inconnue ou déjà levée',
  'alarm-already-acknowledged': 'Alarme déjà acquittée',
  'bad-listen-mode': "Mode d'écoute inconnu (écoute, chuchotement ou intervention)",
  'not-a-supervisor': 'Seul un superviseur de salle du site peut écouter un appel',
  'already-listening': 'Vous écoutez déjà cet appel',
  'supervisor-busy': 'Vous écoutez déjà un autre appel : arrêtez cette écoute d’abord',
  'not-listening': "Vous n'écoutez pas cet appel",
  'no-agent-on-call': "Aucun agent n'est encore en communication sur cet appel",
  'outcome-unknown': "Résultat incertain (changement de serveur) : vérifiez l'état avant de recommencer",
  'pbx-taking-over': 'Reprise de la téléphonie en cours : raccrochez de nouveau dans un instant',
  'site-stopped': 'Le site est arrêté',
  'store-unavailable': "Stockage indisponible : la commande n'a pas été prise en compte",
};

export async function dispatch(ctx: ApiContext, site: SiteHandle, command: Command): Promise<Accepted> {
  const started = performance.now();
  const result = await site.dispatch(command);
  ctx.observeDecision(command.type, (performance.now() - started) / 1000);
  if (result.ok) return result;
  const kind: RejectionKind = isRejectionReason(result.reason) ? REJECTIONS[result.reason] : 'conflict';
  const french = isRejectionReason(result.reason) ? FRENCH_REJECTIONS[result.reason] : 'Commande refusée';
  const commandId = commandIdOf(result);
  if (commandId) throw outcomeUnknownProblem(site.siteId, commandId, result.message);
  throw new Problem(STATUS[kind], result.reason, TITLE[kind], fr_en(french, result.message));
}

export const eventSummaries = (r: Accepted) => r.events.map((e) => ({ type: e.type, at: e.at }));
