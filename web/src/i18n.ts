// French for the screens: plural forms, durations, clock times, labels of states, and the API's
// problem reasons in words an ARM can act on (the API's own `detail` stays English-friendly for logs).
import type { AgentStatus, Qualification } from './types.js';

const rules = new Intl.PluralRules('fr-FR');

/** "1 appel", "0 appel", "2 appels": French puts 0 and 1 in the singular. */
export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('fr-FR')} ${rules.select(n) === 'one' ? one : many}`;
}

/** 42 s, 3 min 05 s, 1 h 02 min. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Month names, January first (lower case, as French writes them in a date). */
export const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

let timeZone: string | undefined;
/** Clock times are shown in the site's time zone (set once the web configuration is read). */
export function setTimeZone(tz: string | undefined) {
  timeZone = tz;
}

export const clock = (epochMs: number) =>
  new Date(epochMs).toLocaleTimeString('fr-FR', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  });

export const percent = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(Math.round(v * 1000) / 10).toLocaleString('fr-FR')} %`;

/** State label with a symbol, so that it never rests on colour alone. */
export const STATUS: Record<AgentStatus, { label: string; symbol: string }> = {
  'logged-out': { label: 'Déconnecté', symbol: '○' },
  available: { label: 'Disponible', symbol: '●' },
  offered: { label: 'Sonnerie', symbol: '☎' },
  'on-call': { label: 'En appel', symbol: '◆' },
  'wrap-up': { label: 'Post-appel', symbol: '◇' },
  paused: { label: 'En pause', symbol: '❚❚' },
};

export const QUALIFICATION: Record<Qualification, string> = {
  P0: 'P0 — urgence vitale',
  P1: 'P1 — urgence',
  P2: 'P2 — soins non programmés',
  DR: 'DR — demande de renseignement',
};

export const ROLE: Record<string, string> = {
  arm: 'ARM',
  osnp: 'OSNP',
  mrg: 'Médecin régulateur généraliste',
  mru: 'Médecin régulateur urgentiste',
  supervisor: 'Superviseur',
};

/** Pause reasons offered to an agent (free text is refused: the supervisor reads them). */
export const PAUSE_REASONS = ['Pause', 'Repas', 'Débriefing', 'Formation', 'Tâche administrative'];

const PROBLEMS: Record<string, string> = {
  'bad-credentials': 'Identifiant ou mot de passe incorrect.',
  'too-many-attempts': 'Trop de tentatives : patientez une minute avant de réessayer.',
  'token-missing': 'Session absente : reconnectez-vous.',
  'recording-file-gone': 'Le fichier de cet enregistrement n’est plus sur le PBX.',
  'recording-store-unavailable': 'Le stockage des enregistrements ne répond pas : réessayez dans un instant.',
  'recording-off': 'Aucun enregistrement n’est tenu pour ce site.',
  'token-expired': 'Session expirée : reconnectez-vous.',
  'token-invalid': 'Session non reconnue par le serveur : reconnectez-vous.',
  'refresh-invalid': 'Session expirée : reconnectez-vous.',
  'role-forbidden': 'Votre profil ne permet pas cette action.',
  'site-forbidden': 'Vous n’êtes pas habilité sur ce site.',
  'not-your-call': 'Cet appel n’est plus le vôtre.',
  'no-agent': 'Votre compte n’est lié à aucun poste.',
  'unknown-call': 'Cet appel est terminé.',
  'not-qualified': 'Qualifiez l’appel (P0, P1, P2) avant de le transférer.',
  'already-logged-in': 'Le poste est déjà connecté.',
  'not-a-reorientation': 'Réorientation impossible depuis cette étape.',
  'validation-failed': 'Saisie refusée : vérifiez les champs.',
  // The consultative outside transfer (panel key E, then T / 3 / R).
  'consultation-not-answered':
    'Le correspondant n’a pas encore décroché : attendez, ou reprenez l’appelant (R).',
  'consultation-in-progress':
    'Transfert accompagné en cours : transférez (T) ou reprenez l’appelant (R) d’abord.',
  'no-consultation': 'Aucun transfert accompagné en cours.',
  'transfer-in-progress': 'L’appel est déjà en cours de transfert.',
  'no-transfer-ringing': 'Plus aucun transfert ne sonne : le correspondant a décroché ou n’a pas répondu.',
  'transfer-not-yours': 'Ce transfert a été lancé par un autre agent : lui seul peut l’annuler.',
  'consult-outside-not-supported':
    'Transfert accompagné indisponible sur ce PBX : utilisez le transfert direct.',
  'bad-number': 'Numéro invalide.',
  // No answer from the server in time: the action may have been applied; never "réessayez".
  'outcome-unknown':
    'Résultat incertain : l’action a peut-être été appliquée. Ne la refaites pas : vérifiez l’état affiché.',
};

/** A French message for an API problem (by its reason), else a generic one with the status. */
export function problemText(reason: string | undefined, status: number): string {
  if (reason && PROBLEMS[reason]) return PROBLEMS[reason]!;
  if (status === 0) return 'Serveur injoignable : vérifiez la connexion.';
  if (status >= 500) return 'Erreur du serveur : réessayez ; si elle persiste, prévenez le superviseur.';
  if (status === 409) return 'Action impossible dans l’état actuel de l’appel ou du poste.';
  if (status === 422) return 'Action refusée par la configuration du site.';
  if (status === 404) return 'Élément introuvable (déjà terminé ?).';
  return `Action refusée (${status}).`;
}
