// Commands from a supervisor (superviseur de salle) or an administrator: move an agent between
// levels, set the operating mode, switch a line to a partner SAS and back, redirect a call,
// replace the site configuration.
import { syncAllUnstaffedAlarms, syncPresenceAlarms } from '../alarms.js';
import { redirect } from '../call-flow.js';
import type { Command } from '../commands.js';
import { checkSkills, parseSiteConfig } from '../config.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { dispatchAgent } from '../dispatch.js';
import { MODES } from '../model.js';
import { syncMode } from './site-clock.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

export function moveAgent(ctx: Ctx, cmd: Cmd<'moveAgent'>): Rejection | void {
  const cfg = ctx.idx.agentConfigs.get(cmd.agentId);
  if (!cfg) return reject('unknown-agent', `no agent ${cmd.agentId}`);
  if (!Array.isArray(cmd.skills)) return reject('bad-skills', 'skills must be a list of {queue, preference}');
  const bad = cmd.skills.filter(
    (s) => !Number.isInteger(s?.preference) || s.preference < 1 || s.preference > 9,
  );
  if (bad.length > 0) return reject('bad-skills', 'each skill needs a preference from 1 (best) to 9');
  const errors = checkSkills(ctx.data.config, cmd.agentId, cfg.roles, cmd.skills, 'skills');
  if (errors.length > 0) return reject('role-rule', errors.join('; '));
  ctx.emit({ type: 'AgentSkillsChanged', at: ctx.now, agentId: cmd.agentId, skills: cmd.skills });
  dispatchAgent(ctx, cmd.agentId);
  syncPresenceAlarms(ctx);
  syncAllUnstaffedAlarms(ctx);
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

export function switchLine(ctx: Ctx, cmd: Cmd<'switchLine'>): Rejection | void {
  if (!ctx.idx.lines.has(cmd.line)) return reject('unknown-line', `no line ${cmd.line}`);
  if (!ctx.data.config.partners.some((p) => p.id === cmd.partnerId))
    return reject('unknown-partner', `no partner ${cmd.partnerId}`);
  const share = cmd.share ?? 1;
  if (!(share > 0 && share <= 1)) return reject('bad-share', 'share is a fraction of calls in (0, 1]');
  const from = cmd.from ?? ctx.now;
  if (cmd.until !== undefined && !(cmd.until > Math.max(from, ctx.now)))
    return reject('bad-until', 'the switch must end after it starts');
  ctx.emit({
    type: 'LineSwitched',
    at: ctx.now,
    line: cmd.line,
    partnerId: cmd.partnerId,
    share,
    from,
    until: cmd.until ?? null,
  });
}

export function restoreLine(ctx: Ctx, cmd: Cmd<'restoreLine'>): Rejection | void {
  if (!ctx.data.lineSwitches[cmd.line])
    return reject('line-not-switched', `line ${cmd.line} is not switched`);
  ctx.emit({ type: 'LineRestored', at: ctx.now, line: cmd.line });
}

export function redirectCall(ctx: Ctx, cmd: Cmd<'redirectCall'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  if (!ctx.data.config.partners.some((p) => p.id === cmd.partnerId))
    return reject('unknown-partner', `no partner ${cmd.partnerId}`);
  if (call.parties.length > 0) return reject('call-connected', 'only a waiting call is redirected');
  if (call.originSite === cmd.partnerId)
    return reject('back-to-origin', `call ${call.id} came from SAS ${cmd.partnerId}: not sent back to it`);
  redirect(ctx, call, cmd.partnerId, 'supervisor', call.pending?.queueId ?? null);
}

export function replaceConfig(ctx: Ctx, cmd: Cmd<'replaceConfig'>): Rejection | void {
  const parsed = parseSiteConfig(cmd.config);
  if (!parsed.ok) return reject('invalid-config', parsed.errors.join('; '));
  const next = parsed.config;
  if (next.id !== ctx.data.config.id)
    return reject('invalid-config', `site id is ${ctx.data.config.id}, not ${next.id}`);
  const queues = new Set(next.queues.map((q) => q.id));
  const agents = new Set(next.agents.map((a) => a.id));
  const problems: string[] = [];
  for (const call of Object.values(ctx.data.calls)) {
    const used = [call.pending?.queueId, call.lastQueueId, ...call.parties.map((p) => p.queueId)].filter(
      Boolean,
    ) as string[];
    for (const q of used) if (!queues.has(q)) problems.push(`queue ${q} is used by live call ${call.id}`);
  }
  for (const a of Object.values(ctx.data.agents)) {
    if (a.status !== 'logged-out' && !agents.has(a.id)) problems.push(`agent ${a.id} is logged in`);
  }
  for (const t of Object.values(ctx.data.callbacks))
    if (!queues.has(t.queueId)) problems.push(`queue ${t.queueId} has callback tasks`);
  if (problems.length > 0) return reject('config-incompatible', [...new Set(problems)].join('; '));
  ctx.emit({ type: 'ConfigReplaced', at: ctx.now, config: next });
  syncPresenceAlarms(ctx);
  syncAllUnstaffedAlarms(ctx);
}
