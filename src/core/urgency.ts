// The urgency a waiting call is served by, before the line's priority and the arrival order.
// Annex 1 of the instruction: "P0 : urgence vitale ; P1 : régulation médicale immédiate par volet
// AMU ; P2 : régulation médicale différée par médecin généraliste (MG) régulateur, qui peut être
// mise en attente sans risque pour le patient." So
// wherever calls of several urgencies share a queue (a P2 sent to the AMU doctors because no GP
// regulator is logged in, an N1 call overflowing to N2 AMU ARMs), P0 comes before P1, P1 before
// P2, whatever the line; the line's priority only orders calls of the same urgency, then the
// original arrival at the platform.
//
// - A call not qualified yet (at N1, a fire-brigade call entering N2 directly) ranks with P1:
//   nobody has said it can wait, and it may be a P0.
// - A call an MG operator or regulator sends to AMU (reorientation MG → AMU: the patient
//   worsened) ranks with P1 whatever its first qualification: it no longer "can wait".
// - No aging: a waiting call never climbs by waiting. A P2 behind a stream of P1s is protected by
//   its queue's overflow tiers, partner overflow and wait alarms, not by a rising rank, so that a
//   P1 is never put behind a P2 ("mise en attente sans risque" is what makes P2 the one to wait).
import type { Call } from './model.js';

export const URGENCY = { P0: 3, P1: 2, unqualified: 2, P2: 1, DR: 0 } as const;

export function urgencyOf(call: Pick<Call, 'qualification' | 'reorientedToAmu'>): number {
  const q = call.qualification;
  const rank = q === null ? URGENCY.unqualified : URGENCY[q];
  return call.reorientedToAmu ? Math.max(rank, URGENCY.P1) : rank;
}
