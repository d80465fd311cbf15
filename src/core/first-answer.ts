// The first answer by an ARM, checked on the whole routing graph of a site configuration.
// Annex 1 of the instruction: "Le premier décroché des appels destinés au SAS est réalisé
// exclusivement par des assistants de régulation médicale"; report, recommendation P1:
// "Concentrer l'ensemble des flux téléphoniques populationnels sur le niveau 1 (N1) du SAS dont
// la prise en charge est exclusivement assurée par un assistant de régulation médicale." So a call on a population line (15,
// 116 117, a local number, a partner SAS's calls) must be answered first by an ARM, wherever it
// may wait before that answer: its entry queue, the queues telephony may ask for directly, every
// queue an unstaffed rule moves it to (`whenUnstaffed: queue`, followed to the end), and agents
// let in by a role exception. Overflow tiers add agents but keep the queue's roles, and a partner
// SAS takes the call out of the site, so neither can break it. The entry does not depend on the
// mode (one-level / two-level) or the schedule, so no mode or hour can open another path.
// The fire-brigade and professional lines may enter N2 directly (annex 1: the CTA-CODIS calls
// reach "directement à chaque niveau du SAS (front office -premier décroché- et back office -
// filières AMU, en priorité, et MG)"), so they are not held to it. An unknown line is routed as
// the site's first line (rules/call-arrival.ts), so the first line must be a population one.
import type { SiteConfig } from './config.js';

type Step = { queueId: string; via: string };

/** Every queue a call entering at `start` may wait in before its first answer, with the path. */
function reachable(c: SiteConfig, start: Step[]): { queueId: string; path: string[] }[] {
  const queues = new Map(c.queues.map((q) => [q.id, q]));
  const seen = new Set<string>();
  const out: { queueId: string; path: string[] }[] = [];
  const todo = start.map((s) => ({ queueId: s.queueId, path: [`${s.via} "${s.queueId}"`] }));
  while (todo.length > 0) {
    const at = todo.shift()!;
    if (seen.has(at.queueId) || !queues.has(at.queueId)) continue;
    seen.add(at.queueId);
    out.push(at);
    const u = queues.get(at.queueId)!.whenUnstaffed;
    if (u.action === 'queue')
      todo.push({ queueId: u.queueId, path: [...at.path, `whenUnstaffed "${u.queueId}"`] });
  }
  return out;
}

export function checkFirstAnswer(c: SiteConfig): string[] {
  const errors: string[] = [];
  const queues = new Map(c.queues.map((q) => [q.id, q]));
  const roles = new Map(c.agents.map((a) => [a.id, a.roles]));
  c.lines.forEach((l, i) => {
    const first = i === 0;
    if (l.kind !== 'population' && !first) return;
    const name = `lines.${i}: line "${l.id}"`;
    if (l.kind !== 'population') {
      errors.push(
        `${name} is the first line; it must be a population line (calls on an unknown line are routed as it, and their first answer is by an ARM); it is "${l.kind}"`,
      );
      return;
    }
    const start = [
      { queueId: l.entryQueue, via: 'entryQueue' },
      ...l.directQueues.map((q) => ({ queueId: q, via: 'directQueues' })),
    ];
    for (const { queueId, path } of reachable(c, start)) {
      const q = queues.get(queueId)!;
      const route = `${name} → ${path.join(' → ')}`; // "lines.N: line … → … → …"
      const others = q.roles.filter((r) => r !== 'arm');
      if (others.length > 0)
        errors.push(
          `${route} is answered first by ${others.join('/')}, not only by ARMs (annex 1: "Le premier décroché des appels destinés au SAS est réalisé exclusivement par des assistants de régulation médicale")`,
        );
      for (const e of c.roleExceptions)
        if (e.queueId === queueId && !(roles.get(e.agentId) ?? []).includes('arm'))
          errors.push(
            `${route} may be answered first by agent "${e.agentId}" (${(roles.get(e.agentId) ?? []).join('/')}) through a role exception, not by an ARM`,
          );
    }
  });
  return errors;
}
