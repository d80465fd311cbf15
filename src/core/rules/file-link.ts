// No double typing (P63): a call is linked to the file (DRM) the regulation software (LRM) holds
// for it, whichever side created the file: the LRM through its API, or the panel. A later valid
// link replaces an earlier one (the last valid command wins, recorded with its source); the same
// link twice changes nothing. A qualification keeps the linked id as the call's DRM id.
import { reject, type Ctx, type Rejection } from '../context.js';
import { type Cmd } from './party.js';

/** An LRM file id: what an LRM uses (letters, digits, . _ : -), bounded. */
export const FILE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export function linkFile(ctx: Ctx, cmd: Cmd<'linkFile'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  if (typeof cmd.fileId !== 'string' || !FILE_ID.test(cmd.fileId))
    return reject('bad-file-id', 'a file id is 1 to 100 letters, digits, ".", "_", ":" or "-"');
  if (cmd.source !== 'lrm' && cmd.source !== 'panel')
    return reject('bad-command', 'source must be "lrm" or "panel"');
  if (cmd.agentId !== undefined && !call.parties.some((p) => p.agentId === cmd.agentId))
    return reject('agent-not-on-call', `agent ${cmd.agentId} is not connected to call ${cmd.callId}`);
  if (call.drm?.id === cmd.fileId) return;
  ctx.emit({
    type: 'FileLinked',
    at: ctx.now,
    callId: call.id,
    fileId: cmd.fileId,
    previousFileId: call.drm?.id ?? null,
    source: cmd.source,
    agentId: cmd.agentId ?? null,
  });
}
