// Sizing when callers who abandon call again: the load depends on the team (fewer agents, more
// abandons, more repeat calls), so the search settles the load for each candidate team.
import { erlangAMetrics, type ErlangAResult } from './erlang-a.js';
import { agentsForServiceLevelA } from './erlang-a.js';
import type { TargetInput } from './erlang-c.js';
import { settleRetrials, type RetrialRule } from './retrial-load.js';

/** Erlang A figures for a fixed team once the retrials its abandons cause are added to the load. */
export function erlangAWithRetrials(
  input: {
    firstAttemptsPerHour: number;
    ahtSeconds: number;
    agents: number;
    thresholdSeconds: number;
    patienceSeconds: number;
  },
  rule: RetrialRule,
): ErlangAResult & { callsPerHour: number } {
  const at = (callsPerHour: number) => erlangAMetrics({ ...input, callsPerHour });
  const settled = settleRetrials(input.firstAttemptsPerHour, rule, (c) => at(c).abandonRate);
  return { ...at(settled.callsPerHour), callsPerHour: settled.callsPerHour };
}

/**
 * Smallest team whose settled load (first attempts + retrials) is answered within the threshold
 * for at least the target share of offered calls. More agents → fewer abandons → less load, so
 * the search starts from the team sized for first attempts alone and only goes up.
 */
export function agentsForServiceLevelWithRetrials(
  input: Omit<TargetInput, 'callsPerHour'> & { firstAttemptsPerHour: number; patienceSeconds: number },
  rule: RetrialRule,
): ErlangAResult & { callsPerHour: number } {
  const first = agentsForServiceLevelA({ ...input, callsPerHour: input.firstAttemptsPerHour });
  for (let c = first.agents; ; c++) {
    const r = erlangAWithRetrials({ ...input, agents: c }, rule);
    if (r.answeredWithinThresholdOfOffered >= input.target) return r;
  }
}
