// Every reason the engine (or the shell around it) gives for refusing a command, in one list: the
// API's HTTP status and French text are tables over this union, so a new or renamed reason fails to
// compile until both say what it means.
//
// - invalid: the request itself is wrong for this site (unknown id, bad value, role rule) → 422
// - conflict: the request is fine but the state does not allow it now → 409
// - unavailable: the shell could not get a decision (store down, writer changed) → 503
export const REJECTIONS = {
  // the request is wrong for this site
  'bad-call-id': 'invalid',
  'bad-command': 'invalid',
  'bad-file-id': 'invalid',
  'bad-time': 'invalid',
  'unknown-command': 'invalid',
  'bad-mode': 'invalid',
  'bad-number': 'invalid',
  'bad-purpose': 'invalid',
  'bad-consultation-mode': 'invalid',
  'bad-qualification': 'invalid',
  'bad-reason': 'invalid',
  'bad-share': 'invalid',
  'bad-skills': 'invalid',
  'bad-until': 'invalid',
  'cannot-return-to-n1': 'invalid',
  'dr-not-transferred': 'invalid',
  'invalid-config': 'invalid',
  'queue-not-allowed-for-line': 'invalid',
  'reason-required': 'invalid',
  'role-cannot-qualify': 'invalid',
  'role-cannot-serve': 'invalid',
  'role-rule': 'invalid',
  'same-queue': 'invalid',
  'target-required': 'invalid',
  'unknown-agent': 'invalid',
  'unknown-disposition': 'invalid',
  'unknown-line': 'invalid',
  'unknown-partner': 'invalid',
  'unknown-queue': 'invalid',
  'back-to-origin': 'invalid',
  'bad-listen-mode': 'invalid',
  'not-a-supervisor': 'invalid',
  // the state does not allow it now
  'agent-busy': 'conflict',
  'no-call-to-transfer': 'invalid',
  'not-outbound': 'conflict',
  'agent-not-logged-in': 'conflict',
  'agent-not-on-call': 'conflict',
  'agent-on-call': 'conflict',
  'already-doctor': 'conflict',
  'already-logged-in': 'conflict',
  'already-qualified': 'conflict',
  'call-connected': 'conflict',
  'call-not-waiting': 'conflict',
  'callback-not-offered': 'conflict',
  'config-incompatible': 'conflict',
  'duplicate-call': 'conflict',
  'line-not-switched': 'conflict',
  'not-logged-in': 'conflict',
  'not-offered-to-agent': 'conflict',
  'not-qualified': 'conflict',
  'not-a-reorientation': 'conflict',
  'task-already-claimed': 'conflict',
  'task-not-claimed-by-agent': 'conflict',
  'transfer-in-progress': 'conflict',
  'no-consultation': 'conflict',
  'no-transfer-ringing': 'conflict',
  'transfer-not-yours': 'conflict',
  'consultation-not-answered': 'conflict',
  'consultation-in-progress': 'conflict',
  'unknown-call': 'conflict',
  'unknown-task': 'conflict',
  'unknown-alarm': 'conflict',
  'alarm-already-acknowledged': 'conflict',
  'already-listening': 'conflict',
  'supervisor-busy': 'conflict',
  'not-listening': 'conflict',
  'no-agent-on-call': 'conflict',
  // no decision could be had
  'outcome-unknown': 'unavailable',
  'pbx-taking-over': 'unavailable',
  'site-stopped': 'unavailable',
  'store-unavailable': 'unavailable',
} as const satisfies Record<string, 'invalid' | 'conflict' | 'unavailable'>;

export type RejectionReason = keyof typeof REJECTIONS;
export type RejectionKind = (typeof REJECTIONS)[RejectionReason];

export function isRejectionReason(reason: string): reason is RejectionReason {
  return Object.hasOwn(REJECTIONS, reason);
}
