// A supervisor acknowledges an alarm: the room knows who saw it and when, on every console. The
// alarm stays listed until its cause clears (acknowledging never clears it); a re-raised alarm is a
// new one, not acknowledged yet.
import { reject, type Ctx, type Rejection } from '../context.js';
import { type Cmd } from './party.js';

export function acknowledgeAlarm(ctx: Ctx, cmd: Cmd<'acknowledgeAlarm'>): Rejection | void {
  if (typeof cmd.by !== 'string' || cmd.by.trim() === '' || cmd.by.length > 200)
    return reject('bad-command', 'by names the supervisor who acknowledges (1 to 200 characters)');
  if (
    cmd.byName !== undefined &&
    (typeof cmd.byName !== 'string' || cmd.byName.trim() === '' || cmd.byName.length > 200)
  )
    return reject('bad-command', "byName, when given, is the supervisor's name (1 to 200 characters)");
  const alarm = typeof cmd.alarmId === 'string' ? ctx.data.alarms[cmd.alarmId] : undefined;
  if (!alarm) return reject('unknown-alarm', `no alarm ${String(cmd.alarmId)} (cleared, or never raised)`);
  if (alarm.acknowledged)
    return reject(
      'alarm-already-acknowledged',
      `alarm ${alarm.id} was acknowledged by ${alarm.acknowledged.by} at ${new Date(alarm.acknowledged.at).toISOString()}`,
    );
  ctx.emit({
    type: 'AlarmAcknowledged',
    at: ctx.now,
    alarmId: alarm.id,
    by: cmd.by,
    ...(cmd.byName !== undefined ? { byName: cmd.byName } : {}),
  });
}
