// Only an ARM qualifies (P0 / P1 / P2 / DR), at N1 or on a call it keeps; P0 (and one-level
// mode) keeps the call with the ARM.
import { clearP0, raiseP0 } from '../alarms.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { QUALIFICATIONS } from '../model.js';
import { bringInDoctor } from './p0-doctor.js';
import { isRejection, partyOf, type Cmd } from './party.js';

export function qualifyCall(ctx: Ctx, cmd: Cmd<'qualifyCall'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call, party } = found;
  if (!QUALIFICATIONS.includes(cmd.qualification)) {
    return reject('bad-qualification', `qualification must be one of ${QUALIFICATIONS.join(', ')}`);
  }
  const stage = ctx.idx.queues.get(party.queueId)!.stage;
  // Only an ARM qualifies, at N1 (or on a call it keeps, or on a call that entered N2 directly).
  if (party.role !== 'arm') return reject('role-cannot-qualify', `a ${party.role} does not qualify calls`);
  if (stage !== 'n1' && !party.kept && call.qualification !== null) {
    return reject('already-qualified', `call ${call.id} was qualified ${call.qualification} at N1`);
  }
  if (call.pending) return reject('transfer-in-progress', `call ${call.id} is already being transferred`);
  const wasP0 = call.qualification === 'P0';
  ctx.emit({
    type: 'CallQualified',
    at: ctx.now,
    callId: call.id,
    agentId: cmd.agentId,
    qualification: cmd.qualification,
    drmId: call.drm?.id ?? `drm-${call.id}`,
    name: cmd.name ?? call.drm?.name ?? call.callerName ?? '',
    phone: cmd.phone ?? call.drm?.phone ?? call.callerNumber ?? '',
    stage,
    ...(cmd.source === 'lrm' ? { source: 'lrm' as const } : {}),
  });
  if (cmd.qualification === 'P0') raiseP0(ctx, call.id);
  else if (wasP0) clearP0(ctx, call.id);
  const keeps = cmd.qualification === 'P0' || (call.mode === 'one-level' && cmd.qualification !== 'DR');
  if (keeps && stage === 'n1' && !party.kept) {
    ctx.emit({
      type: 'CallKept',
      at: ctx.now,
      callId: call.id,
      agentId: cmd.agentId,
      asQueueId: ctx.data.config.routing.keptAsQueue,
    });
  }
  // P0 keeps the call and brings the doctor in: at once when the site's policy says so.
  if (cmd.qualification === 'P0' && !wasP0 && ctx.data.config.routing.p0Doctor === 'at-once')
    return bringInDoctor(ctx, { type: 'bringInDoctor', callId: call.id, agentId: cmd.agentId });
}
