// Calls, agents, callback tasks and alarms live in plain records keyed by id: an id from outside
// that names an Object.prototype member ("constructor", "__proto__", "toString"…) would find that
// member instead of nothing. Every command field that names such a thing is checked here, once,
// before any handler runs, and refused as unknown (src/api/prototype-ids.ts does the same for the
// API's path parameters).
import type { Command } from './commands.js';
import type { RejectionReason } from './rejections.js';

/** Command fields that name something kept in a plain record, and how an unknown one is refused. */
const CHECKED: readonly (readonly [string, RejectionReason])[] = [
  ['agentId', 'unknown-agent'],
  ['supervisorId', 'unknown-agent'],
  ['callId', 'unknown-call'],
  ['parentCallId', 'unknown-call'],
  ['taskId', 'unknown-task'],
  ['alarmId', 'unknown-alarm'],
];

/** The refusal of a command naming an Object.prototype member as an id, or null. */
export function prototypeIdRefusal(cmd: Command): { reason: RejectionReason; message: string } | null {
  const fields = cmd as unknown as Record<string, unknown>;
  for (const [field, reason] of CHECKED) {
    const id = fields[field];
    if (typeof id === 'string' && id in Object.prototype)
      return { reason, message: `no ${reason.slice('unknown-'.length)} ${id}` };
  }
  return null;
}
