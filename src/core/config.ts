// The site configuration: its schema (zod), the role rules it must obey, and the parser that
// refuses a bad configuration whole, naming every bad field.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { validateHHMM, type Weekday } from './calendar.js';
import { MODES, ROLES, STAGES, type Role } from './model.js';
import { checkFirstAnswer } from './first-answer.js';
import { isPanelKey, PANEL_ACTIONS, panelKeyErrors, type PanelStep } from './panel-keys.js';
import { recordingSchema } from './recording-config.js';
import { listenInSchema } from './listen-config.js';
import { qsTargetSchema } from './qs-target.js';
import { checkTrunkLines, trunksSchema } from './trunk-config.js';

// Every object is strict (an unknown field is refused with its name, not dropped), every string
// and list bounded, and names free of control characters: a configuration comes from people and
// scripts, and reaches logs, screens and the PBX.
const hhmm = z.string().refine(validateHHMM, { message: 'expected a time "HH:MM"' });
const id = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected an id of letters, digits, ".", "_" or "-"');
/** A name or label shown to people: 1 to 200 characters, no control characters. */
const text = (max = 200) =>
  z
    .string()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex -- control characters are what this refuses
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'control characters are not allowed');
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date "YYYY-MM-DD"')
  .refine((d) => DateTime.fromISO(d).isValid && d >= '2000-01-01' && d <= '2100-12-31', {
    message: 'expected a real date between 2000-01-01 and 2100-12-31',
  });
const seconds = z.number().finite().nonnegative().max(86_400);
/** Sizes far above any SAS (illustrative): they only stop a runaway or hostile document. */
const MAX = { queues: 200, lines: 500, agents: 2000, small: 100, rules: 500 } as const;

const calendarSchema = z.strictObject({
  timeZone: z
    .string()
    .max(100)
    .refine((tz) => IANAZone.isValidZone(tz), { message: 'unknown time zone (expected e.g. "Europe/Paris")' })
    .default('Europe/Paris'),
  pdsa: z
    .strictObject({
      weekdayFrom: hhmm.default('20:00'),
      weekdayUntil: hhmm.default('08:00'),
      saturdayFrom: hhmm.default('12:00'),
      publicHolidays: z.boolean().default(true),
    })
    .prefault({}),
  extraHolidays: z.array(localDate).max(MAX.rules).default([]),
});

const weekday = z.union(
  [1, 2, 3, 4, 5, 6, 7].map((d) => z.literal(d as Weekday)) as [
    z.ZodLiteral<Weekday>,
    ...z.ZodLiteral<Weekday>[],
  ],
);

const weeklyRule = z.strictObject({
  days: z.array(weekday).min(1).max(7),
  from: hhmm,
  to: hhmm,
  value: z.enum(MODES),
});

const partnerSchema = z.strictObject({
  id,
  name: text(),
  /** How telephony reaches the partner: a dialplan destination or a number. */
  destination: text(),
});

const lineSchema = z.strictObject({
  id,
  label: text().optional(),
  /**
   * Who calls on it: the population (first answer by an ARM, whatever the routing: first-answer.ts),
   * the fire brigade (CTA-CODIS) or professionals (doctors, ambulance companies…), who may enter
   * N2 directly.
   */
  kind: z.enum(['population', 'fire-brigade', 'professional']).default('population'),
  department: text(20),
  entryQueue: id,
  /** Queues this line may enter directly (a fire-brigade line may reach N2 AMU or N2 MG). */
  directQueues: z.array(id).max(MAX.small).default([]),
  /** Larger is more urgent; calls in a queue are ordered by priority, then by arrival. */
  priority: z.number().int().min(0).max(9).default(1),
  /** Set for a line that receives calls from a partner SAS: they keep their origin. */
  originSite: id.optional(),
  music: text().default('default'),
});

const overflowTier = z.strictObject({
  afterSeconds: seconds,
  /** Agents skilled at these queues also become eligible (role rules still apply). */
  addQueues: z.array(id).min(1).max(MAX.small),
});

const queueSchema = z.strictObject({
  id,
  name: text().optional(),
  stage: z.enum(STAGES),
  branch: text(50),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  /** The service threshold of this queue step (QS): 30 s at N1; N2 and doctors: local choices. */
  thresholdSeconds: seconds.default(30),
  /** Raise a live alarm when a call waits longer than this (null: no alarm). */
  alarmAfterSeconds: seconds.nullable().default(null),
  music: text().default('default'),
  overflow: z
    .strictObject({
      tiers: z.array(overflowTier).max(MAX.small).default([]),
      partner: z
        .strictObject({
          partnerId: id,
          afterSeconds: seconds.optional(),
          whenWaitingAtLeast: z.number().int().positive().max(10_000).optional(),
        })
        .optional(),
    })
    .prefault({}),
  whenUnstaffed: z
    .discriminatedUnion('action', [
      z.strictObject({ action: z.literal('wait') }),
      z.strictObject({ action: z.literal('queue'), queueId: id }),
      z.strictObject({ action: z.literal('partner'), partnerId: id }),
    ])
    .default({ action: 'wait' }),
});

const agentSchema = z.strictObject({
  id,
  name: text(),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  skills: z
    .array(z.strictObject({ queue: id, preference: z.number().int().min(1).max(9).default(1) }))
    .max(MAX.queues)
    .default([]),
  autoAnswer: z.boolean().default(false),
  wrapUpSeconds: seconds.default(0),
  ringNoAnswerSeconds: seconds.default(15),
  remote: z.boolean().default(false),
  /** Where telephony rings this agent, e.g. "PJSIP/arm-12". */
  endpoint: text().optional(),
});

const routingSchema = z.strictObject({
  p1Queue: id.default('n2-amu'),
  p2Queue: id.default('n2-mg'),
  /** Where a P0 kept at N1 (or any call in one-level mode) is served as by the AMU ARM. */
  keptAsQueue: id.default('n2-amu'),
  doctorQueue: id.default('reg-amu'),
  /** MG hours: 'sas' = SAS hours only (P2 goes to p2OutsideMgHours in PDSA hours). */
  mgHours: z.enum(['sas', 'always']).default('sas'),
  p2OutsideMgHours: id.nullable().default(null),
  /** When no GP regulator is logged in, P2 falls back here before any partner SAS. */
  p2WithoutGpRegulator: id.nullable().default('reg-amu'),
  reorientationPriority: z.number().int().min(0).max(9).default(8),
  /**
   * "P0: the ARM keeps the call and brings the emergency doctor in." `on-key`: the ARM presses the
   * doctor key (today's practice in most rooms); `at-once`: the P0 qualification rings the doctor.
   */
  p0Doctor: z.enum(['on-key', 'at-once']).default('on-key'),
  conferencePriority: z.number().int().min(0).max(9).default(9),
  callbackOfferAfterSeconds: seconds.nullable().default(null),
  transferMode: z.enum(['blind', 'warm']).default('blind'),
});

/**
 * Reporting choices. `mgDecisions`: the site's disposition ids each MG-decision item of annex 3
 * table 3 counts (items 2–8, src/core/indicators/mg-decisions.ts); absent = the default mapping.
 */
const reportingSchema = z.strictObject({
  mgDecisions: z
    .strictObject(
      Object.fromEntries(
        ['2', '3', '4', '5', '6', '7', '8'].map((k) => [k, z.array(text(100)).max(MAX.small).optional()]),
      ) as Record<'2' | '3' | '4' | '5' | '6' | '7' | '8', z.ZodOptional<z.ZodArray<z.ZodString>>>,
    )
    .optional(),
});

/** A minimum-presence rule (src/core/presence.ts); absent = the defaults of annex 1 II.b. */
const presenceRuleSchema = z.strictObject({
  id,
  role: z.enum(ROLES),
  /** Counts agents skilled on a queue of this branch (amu, mg…); absent = any branch. */
  branch: z.string().min(1).optional(),
  /** Counts agents skilled on a queue of this stage; absent = any stage. */
  stage: z.enum(STAGES).optional(),
  hours: z.enum(['always', 'sas', 'pdsa']).default('always'),
  minimum: z.number().int().min(1).default(1),
});

const panelKey = z.string().refine(isPanelKey, 'one printable character (not a space), "Enter" or "Escape"');
const stepKeys = <S extends PanelStep>(step: S) => z.partialRecord(z.enum(PANEL_ACTIONS[step]), panelKey);
const panelKeysSchema = z.strictObject({
  desk: stepKeys('desk').optional(),
  n1: stepKeys('n1').optional(),
  n2: stepKeys('n2').optional(),
  consult: stepKeys('consult').optional(),
  handover: stepKeys('handover').optional(),
});

export const siteConfigSchema = z.strictObject({
  id,
  name: text(),
  departments: z.array(text(20)).min(1).max(MAX.small),
  calendar: calendarSchema.prefault({}),
  modes: z
    .strictObject({ default: z.enum(MODES), rules: z.array(weeklyRule).max(MAX.rules) })
    .default({ default: 'two-level', rules: [] }),
  partners: z.array(partnerSchema).max(MAX.small).default([]),
  lines: z.array(lineSchema).min(1).max(MAX.lines),
  queues: z.array(queueSchema).min(1).max(MAX.queues),
  agents: z.array(agentSchema).max(MAX.agents).default([]),
  routing: routingSchema.prefault({}),
  dispositions: z.array(text(100)).min(1).max(MAX.small),
  reporting: reportingSchema.prefault({}),
  presence: z.array(presenceRuleSchema).max(MAX.small).optional(),
  /** The agent panel's keys, per step (src/core/panel-keys.ts); absent: the default map. */
  panelKeys: panelKeysSchema.optional(),
  /** Call recording (./recording-config.ts): absent or `enabled: false`, nothing is recorded. */
  recording: recordingSchema.optional(),
  /** QS 30 s target of the console (./qs-target.ts): absent, an illustrative 90 %. */
  qsTarget: qsTargetSchema.optional(),
  /** Supervisor listen-in policy (./listen-config.ts): absent, the agent is told. */
  listenIn: listenInSchema.optional(),
  /** Trunk channels per line (./trunk-config.ts): absent, occupancy is not measured. */
  trunks: trunksSchema.optional(),
  /** Explicit, logged exceptions to the role rules, e.g. an ARM given an OSNP queue. */
  roleExceptions: z
    .array(z.strictObject({ agentId: id, queueId: id, reason: text(500).min(3) }))
    .max(MAX.rules)
    .default([]),
});

export type SiteConfig = z.infer<typeof siteConfigSchema>;
export type QueueConfig = SiteConfig['queues'][number];
export type LineConfig = SiteConfig['lines'][number];
export type AgentConfig = SiteConfig['agents'][number];

export type ConfigResult = { ok: true; config: SiteConfig } | { ok: false; errors: string[] };

/** Parses and checks a site configuration; a bad one is refused whole, with every bad field named. */
export function parseSiteConfig(input: unknown): ConfigResult {
  const parsed = siteConfigSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  const errors = [...checkReferences(parsed.data), ...checkTrunkLines(parsed.data)];
  // The graph is walked only once every reference resolves.
  if (errors.length === 0) errors.push(...checkFirstAnswer(parsed.data));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: parsed.data };
}

function duplicates(ids: string[]): string[] {
  return ids.filter((v, i) => ids.indexOf(v) !== i);
}

function checkReferences(c: SiteConfig): string[] {
  const errors: string[] = [];
  const queues = new Map(c.queues.map((q) => [q.id, q]));
  const partners = new Set(c.partners.map((p) => p.id));
  const queueRef = (path: string, qid: string | null | undefined) => {
    if (qid != null && !queues.has(qid)) errors.push(`${path}: unknown queue "${qid}"`);
  };
  const partnerRef = (path: string, pid: string) => {
    if (!partners.has(pid)) errors.push(`${path}: unknown partner "${pid}"`);
  };
  for (const [what, list] of [
    ['queues', c.queues],
    ['lines', c.lines],
    ['agents', c.agents],
    ['partners', c.partners],
  ] as const) {
    for (const d of duplicates(list.map((x) => x.id))) errors.push(`${what}: duplicate id "${d}"`);
  }
  c.lines.forEach((l, i) => {
    queueRef(`lines.${i}.entryQueue`, l.entryQueue);
    l.directQueues.forEach((q, j) => queueRef(`lines.${i}.directQueues.${j}`, q));
    if (!c.departments.includes(l.department)) {
      errors.push(`lines.${i}.department: "${l.department}" is not one of the site's departments`);
    }
  });
  c.queues.forEach((q, i) => {
    if (q.stage === 'n1' && q.roles.some((r) => r !== 'arm')) {
      errors.push(`queues.${i}.roles: only ARMs answer first (N1); found ${q.roles.join(', ')}`);
    }
    q.overflow.tiers.forEach((t, k) =>
      t.addQueues.forEach((a, j) => queueRef(`queues.${i}.overflow.tiers.${k}.addQueues.${j}`, a)),
    );
    if (q.overflow.partner)
      partnerRef(`queues.${i}.overflow.partner.partnerId`, q.overflow.partner.partnerId);
    if (q.whenUnstaffed.action === 'queue')
      queueRef(`queues.${i}.whenUnstaffed.queueId`, q.whenUnstaffed.queueId);
    if (q.whenUnstaffed.action === 'partner')
      partnerRef(`queues.${i}.whenUnstaffed.partnerId`, q.whenUnstaffed.partnerId);
  });
  const r = c.routing;
  for (const key of [
    'p1Queue',
    'p2Queue',
    'keptAsQueue',
    'doctorQueue',
    'p2OutsideMgHours',
    'p2WithoutGpRegulator',
  ] as const) {
    queueRef(`routing.${key}`, r[key]);
  }
  for (const [item, ids] of Object.entries(c.reporting.mgDecisions ?? {}))
    (ids ?? []).forEach((d, j) => {
      if (!c.dispositions.includes(d))
        errors.push(`reporting.mgDecisions.${item}.${j}: "${d}" is not one of the site's dispositions`);
    });
  for (const d of duplicates((c.presence ?? []).map((p) => p.id)))
    errors.push(`presence: duplicate id "${d}"`);
  (c.presence ?? []).forEach((p, i) => {
    const served = c.queues.some(
      (q) =>
        q.roles.includes(p.role) &&
        (p.stage === undefined || q.stage === p.stage) &&
        (p.branch === undefined || q.branch === p.branch),
    );
    if (!served)
      errors.push(
        `presence.${i}: no queue ${[p.stage, p.branch].filter(Boolean).join(' ')} is served by ${p.role}; the rule could never be met`,
      );
  });
  for (const d of duplicates(c.dispositions)) errors.push(`dispositions: duplicate "${d}"`);
  c.agents.forEach((a, i) => {
    for (const d of duplicates(a.skills.map((s) => s.queue)))
      errors.push(`agents.${i}.skills: queue "${d}" given twice`);
    errors.push(...checkSkills(c, a.id, a.roles, a.skills, `agents.${i}.skills`));
  });
  errors.push(...panelKeyErrors(c.panelKeys));
  c.roleExceptions.forEach((e, i) => {
    if (!c.agents.some((a) => a.id === e.agentId))
      errors.push(`roleExceptions.${i}.agentId: unknown agent "${e.agentId}"`);
    queueRef(`roleExceptions.${i}.queueId`, e.queueId);
  });
  return errors;
}

/**
 * The role rules of the instruction and the national report, which configuration cannot relax
 * (except through an explicit, logged exception): an agent serves only queues one of its roles
 * may serve; an ARM is not put on an OSNP queue; an agent on N1 may span N1 and N2 AMU only
 * (the "ARM coordonnateur").
 */
export function checkSkills(
  c: SiteConfig,
  agentId: string,
  roles: Role[],
  skills: { queue: string }[],
  path: string,
): string[] {
  const errors: string[] = [];
  const queues = new Map(c.queues.map((q) => [q.id, q]));
  const excepted = (qid: string) => c.roleExceptions.some((e) => e.agentId === agentId && e.queueId === qid);
  const onN1 = skills.some((s) => queues.get(s.queue)?.stage === 'n1');
  skills.forEach((s, j) => {
    const q = queues.get(s.queue);
    if (!q) {
      errors.push(`${path}.${j}.queue: unknown queue "${s.queue}"`);
      return;
    }
    if (excepted(q.id)) return;
    if (roles.includes('arm') && q.roles.every((r) => r === 'osnp')) {
      errors.push(
        `${path}.${j}.queue: an ARM is not put on the OSNP queue "${q.id}" (needs a role exception)`,
      );
    } else if (!q.roles.some((r) => roles.includes(r))) {
      errors.push(
        `${path}.${j}.queue: "${q.id}" is served by ${q.roles.join('/')}, agent "${agentId}" is ${roles.join('/')}`,
      );
    } else if (onN1 && q.stage !== 'n1' && !(q.stage === 'n2' && q.branch === 'amu')) {
      errors.push(`${path}.${j}.queue: an N1 agent may also serve N2 AMU only, not "${q.id}"`);
    }
  });
  return errors;
}
