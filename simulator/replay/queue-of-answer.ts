// The queue a wait answered before any holding bridge counts in, for the replay's ground truth
// (ground-truth.ts `queueOfAnswer`). On sim-fs no wait ever reaches a holding bridge (FreeSWITCH
// plays one music for every queue), so each answer's queue is inferred from who answered; on
// sim-pbx, a call an agent took at once. The trace's expected step counts when the agent could take
// a call from it: by one of its skills, or through one of that queue's overflow tiers lending the
// agent's queue (the example's N1 tier lends N2 AMU after 45 s: a caller kept past it, e.g. while a
// killed ACD came back, is answered by an N2 AMU regulator and the ACD counts it in N1, as it
// should). Otherwise the agent's preferred queue.
import type { SiteConfig } from '../../src/core/config.js';

export function queueOfAnswer(
  config: SiteConfig,
  agentEndpoint: string,
  expected: string | undefined,
): string | null {
  const agent = config.agents.find((a) => (a.endpoint ?? `PJSIP/${a.id}`) === agentEndpoint);
  if (!agent || agent.skills.length === 0) return null;
  const own = new Set(agent.skills.map((s) => s.queue));
  if (expected && own.has(expected)) return expected;
  const lent = config.queues
    .find((q) => q.id === expected)
    ?.overflow.tiers.some((t) => t.addQueues.some((id) => own.has(id)));
  if (expected && lent) return expected;
  return [...agent.skills].sort((a, b) => a.preference - b.preference)[0]!.queue;
}
