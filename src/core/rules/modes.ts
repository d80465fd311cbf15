// Operating modes (two-level, one-level…): the weekly schedule, or a supervisor override.
import { scheduleValueAt } from '../calendar.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { MODES, type Mode } from '../model.js';
import { type Cmd } from './party.js';

export function currentMode(ctx: Ctx): Mode {
  const o = ctx.data.modeOverride;
  if (o && (o.until === null || o.until > ctx.now)) return o.mode;
  const c = ctx.data.config;
  return scheduleValueAt(c.modes, c.calendar.timeZone, ctx.now);
}

export function syncMode(ctx: Ctx): void {
  const mode = currentMode(ctx);
  if (mode === ctx.data.mode) return;
  const o = ctx.data.modeOverride;
  const source = o && (o.until === null || o.until > ctx.now) ? 'override' : 'schedule';
  ctx.emit({ type: 'ModeChanged', at: ctx.now, mode, source });
}

export function setMode(ctx: Ctx, cmd: Cmd<'setMode'>): Rejection | void {
  if (cmd.mode !== null && !MODES.includes(cmd.mode))
    return reject('bad-mode', `mode must be one of ${MODES.join(', ')} or null`);
  if (cmd.until !== undefined && !(cmd.until > ctx.now))
    return reject('bad-until', 'the override must end in the future');
  ctx.emit({
    type: 'ModeOverrideSet',
    at: ctx.now,
    mode: cmd.mode,
    until: cmd.mode === null ? null : (cmd.until ?? null),
  });
  syncMode(ctx);
}
