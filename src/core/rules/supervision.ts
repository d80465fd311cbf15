// The supervisor runs the room: moves an agent between levels, replaces the site configuration.
import { syncAllUnstaffedAlarms, syncPresenceAlarms } from '../alarms.js';
import { checkSkills, parseSiteConfig } from '../config.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { dispatchAgent } from '../distribution.js';
import { type Cmd } from './party.js';

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
