// The 503 of a command whose decision did not come back in time (writer changed, busy machine):
// it names the command, so the client can ask GET /sites/{s}/commands/{id} whether it was decided
// before doing anything again (src/shell/command-outcome.ts, docs/api.md).
import { fr_en, Problem } from './problem.js';

export function outcomeUnknownProblem(siteId: string, commandId: string, message: string): Problem {
  return new Problem(
    503,
    'outcome-unknown',
    'No decision from the site (store or writer unavailable)',
    fr_en(
      `Résultat incertain (changement de serveur) : l'action a peut-être été appliquée. Ne la refaites pas tout de suite : vérifiez l'état affiché (commande ${commandId})`,
      `${message}; ask GET /api/v1/sites/${siteId}/commands/${commandId} whether it was decided before sending it again`,
    ),
    undefined,
    {},
    commandId,
  );
}
