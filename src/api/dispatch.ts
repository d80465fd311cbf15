// Sends a command to a site and turns an engine refusal into a problem: 422 when the request
// itself is wrong for this site (unknown queue, bad disposition, role rule…), 409 when it is fine
// but the state does not allow it now (call not qualified yet, agent on a call…). The engine
// changes nothing when it refuses.
import type { SiteHandle } from '../app/site-handle.js';
import type { Command } from '../core/commands.js';
import type { Accepted } from '../core/engine.js';
import type { ApiContext } from './context.js';
import { fr_en, Problem } from './problem.js';

const INVALID = new Set([
  'bad-qualification',
  'bad-mode',
  'bad-skills',
  'bad-share',
  'bad-until',
  'bad-reason',
  'bad-purpose',
  'bad-number',
  'role-rule',
  'role-cannot-qualify',
  'role-cannot-serve',
  'invalid-config',
  'reason-required',
  'target-required',
  'same-queue',
  'cannot-return-to-n1',
  'dr-not-transferred',
  'unknown-queue',
  'unknown-disposition',
  'unknown-partner',
  'unknown-line',
  'unknown-agent',
  'queue-not-allowed-for-line',
]);

/** A French lead for the reasons an agent meets most; the engine's English message follows. */
const FRENCH: Record<string, string> = {
  'not-qualified': "Qualifiez l'appel (P0/P1/P2) avant de le transférer",
  'dr-not-transferred': 'Un appel DR se termine au niveau 1 : raccrochez avec une issue',
  'transfer-in-progress': "L'appel est déjà en cours de transfert",
  'agent-on-call': "L'agent est en communication : terminez l'appel d'abord",
  'already-logged-in': "L'agent est déjà connecté",
  'not-logged-in': "Connectez d'abord l'agent à l'ACD",
  'unknown-disposition': 'Issue inconnue : choisissez une issue de la liste du site',
  'unknown-queue': 'File inconnue sur ce site',
  'role-cannot-qualify': 'Seul un ARM qualifie un appel',
  'already-qualified': "L'appel a déjà été qualifié au niveau 1",
  'role-rule': 'Affectation contraire aux règles de rôle (ARM, OSNP, niveaux)',
  'task-already-claimed': 'Ce rappel est déjà pris par un autre agent',
  'task-not-claimed-by-agent': "Prenez d'abord ce rappel",
  'line-not-switched': "Cette ligne n'est pas basculée",
  'config-incompatible': 'Configuration incompatible avec les appels ou agents en cours',
  'invalid-config': 'Configuration refusée',
  'not-offered-to-agent': "L'appel n'est pas proposé à ce poste",
  'call-not-waiting': "L'appel n'attend pas dans une file",
  'callback-not-offered': 'Le rappel ne se propose que dans la filière MG',
};

export async function dispatch(ctx: ApiContext, site: SiteHandle, command: Command): Promise<Accepted> {
  const started = performance.now();
  const result = await site.dispatch(command);
  ctx.observeDecision(command.type, (performance.now() - started) / 1000);
  if (result.ok) return result;
  const status = INVALID.has(result.reason) ? 422 : 409;
  throw new Problem(
    status,
    result.reason,
    status === 422 ? 'Command refused as invalid' : 'Command refused in the current state',
    fr_en(FRENCH[result.reason] ?? 'Commande refusée par le moteur', result.message),
  );
}

export const eventSummaries = (r: Accepted) => r.events.map((e) => ({ type: e.type, at: e.at }));
