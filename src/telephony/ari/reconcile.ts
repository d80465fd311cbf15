// Periodic reconciliation of the PBX against the engine, while the leader is connected: every few
// seconds, the channels and bridges of the Stasis application are listed and compared with the
// engine's telephony plan. A missed event (a StasisEnd lost in a WebSocket hiccup, a leg destroyed
// while nobody listened) leaves them disagreeing; a disagreement seen on two passes in a row (so
// not an event still on its way) is healed and reported (log + metric):
// - a caller of a live call gone from the PBX: callerHungUp (abandon or end, as the engine decides);
// - an agent bridged with a caller whose leg is gone: agentLegLost (never the end of the call);
// - an agent connected in the engine whose leg is up but not in the caller's bridge: bridged;
// - a dial-out of a live call whose channel is gone: callerHungUp;
// - an agent leg for nothing the engine knows: hung up;
// - a caller of a call the engine has ended: hung up;
// - a caller the engine never heard of: reported as an arrival;
// - a caller waiting alone outside any bridge: put back on hold.
import type { CallPlan } from '../../core/telephony-plan.js';
import type { AriBridgeJson, AriChannelJson } from './ari-rest.js';

export type Drift =
  | { kind: 'caller-gone'; callId: string }
  | { kind: 'leg-gone'; callId: string; agentId: string }
  | { kind: 'leg-unbridged'; callId: string; agentId: string; channelId: string; callerBridged: boolean }
  | { kind: 'dial-out-gone'; callId: string }
  | { kind: 'stray-leg'; channelId: string }
  | { kind: 'ended-caller'; channelId: string }
  | { kind: 'unknown-caller'; channel: AriChannelJson; line: string; args: string[] }
  | { kind: 'caller-unheld'; callId: string; hold: NonNullable<CallPlan['hold']> };

export type DriftKind = Drift['kind'];

export const DRIFT_KINDS: readonly DriftKind[] = [
  'caller-gone',
  'leg-gone',
  'leg-unbridged',
  'dial-out-gone',
  'stray-leg',
  'ended-caller',
  'unknown-caller',
  'caller-unheld',
];

export type PbxView = { channels: AriChannelJson[]; bridges: AriBridgeJson[] };

/** The Stasis arguments of a channel of our app (`[kind, ...rest]`), or null for anything else. */
export function stasisArgs(ch: AriChannelJson, app: string): string[] | null {
  if (ch.dialplan?.app_name !== 'Stasis') return null;
  const [name, ...args] = (ch.dialplan.app_data ?? '').split(',');
  return name === app ? args : null;
}

/** A consulting agent's leg is in its outbound call's bridge, not the caller's (./consultation.ts). */
function consulting(plans: readonly CallPlan[], callId: string, agentId: string, bridge?: string): boolean {
  return plans.some(
    (p) => p.parentCallId === callId && p.consultFrom === agentId && bridge === `call-${p.callId}`,
  );
}

/** Every disagreement between the PBX and the plan, named so that two passes can be compared. */
export function findDrift(
  plans: readonly CallPlan[],
  pbx: PbxView,
  app: string,
  ended: (callId: string) => boolean,
): Map<string, Drift> {
  const drift = new Map<string, Drift>();
  const add = (key: string, d: Drift) => drift.set(`${d.kind}|${key}`, d);
  const planned = new Map(plans.map((p) => [p.callId, p]));
  const bridged = new Set(pbx.bridges.flatMap((b) => b.channels));
  const bridgeOf = new Map(pbx.bridges.flatMap((b) => b.channels.map((id) => [id, b] as const)));
  const legChannel = new Map<string, string>();
  const callers = new Set<string>();
  const outbound = new Set<string>();
  const legs = new Set<string>();
  for (const ch of pbx.channels) {
    const args = stasisArgs(ch, app);
    if (!args) continue;
    const [kind, ...rest] = args;
    if (kind === 'outbound') {
      outbound.add(ch.id);
      continue;
    }
    if (kind === 'listen' || kind === 'snoop') {
      // A supervisor's phone or snoop channel (listen-in.ts): kept while the engine has it listening.
      const [supervisorId, callId] = rest;
      const plan = callId ? planned.get(callId) : undefined;
      if (!plan?.listeners?.some((l) => l.supervisorId === supervisorId))
        add(ch.id, { kind: 'stray-leg', channelId: ch.id });
      continue;
    }
    if (kind === 'agent') {
      const [agentId, callId] = rest;
      const plan = callId ? planned.get(callId) : undefined;
      if (!agentId || !plan || !(plan.agents.includes(agentId) || plan.ring?.agentId === agentId))
        add(ch.id, { kind: 'stray-leg', channelId: ch.id });
      else {
        legs.add(`${callId}|${agentId}`);
        legChannel.set(`${callId}|${agentId}`, ch.id);
      }
      continue;
    }
    callers.add(ch.id);
    const plan = planned.get(ch.id);
    if (plan) {
      if (plan.hold && !bridged.has(ch.id))
        add(ch.id, { kind: 'caller-unheld', callId: ch.id, hold: plan.hold });
    } else if (ended(ch.id)) add(ch.id, { kind: 'ended-caller', channelId: ch.id });
    else
      add(ch.id, { kind: 'unknown-caller', channel: ch, line: kind ?? ch.dialplan?.exten ?? '', args: rest });
  }
  for (const plan of plans) {
    if (plan.direction === 'outbound') {
      if (!outbound.has(plan.callId)) add(plan.callId, { kind: 'dial-out-gone', callId: plan.callId });
      continue;
    }
    if (!callers.has(plan.callId)) {
      add(plan.callId, { kind: 'caller-gone', callId: plan.callId });
      continue;
    }
    const callerBridge = bridgeOf.get(plan.callId);
    for (const agentId of plan.agents) {
      const key = `${plan.callId}|${agentId}`;
      const channelId = legChannel.get(key);
      if (!channelId) add(key, { kind: 'leg-gone', callId: plan.callId, agentId });
      else if (consulting(plans, plan.callId, agentId, bridgeOf.get(channelId)?.name)) continue;
      else if (!callerBridge || bridgeOf.get(channelId) !== callerBridge)
        add(key, {
          kind: 'leg-unbridged',
          callId: plan.callId,
          agentId,
          channelId,
          callerBridged: callerBridge?.name === `call-${plan.callId}`,
        });
    }
  }
  return drift;
}

export type ReconcilerOptions = {
  /** The engine's plan now (only asked while `active()`). */
  plans: () => CallPlan[];
  /** What the PBX shows now. */
  list: () => Promise<PbxView>;
  heal: (drift: Drift) => Promise<void>;
  app: string;
  ended: (callId: string) => boolean;
  /** Whether to reconcile now: the link is up and effects are carried out (not during a take-over). */
  active: () => boolean;
  everyMs: number;
  onFixed: (drift: Drift) => void;
  onError: (err: Error) => void;
};

/** Default pace: a few seconds apart (an illustrative value, `RECONCILE_EVERY_MS` in serve). */
export const RECONCILE_EVERY_MS = 3_000;

export class PbxReconciler {
  private timer: NodeJS.Timeout | null = null;
  private seen = new Map<string, Drift>();
  private running = false;

  constructor(private readonly opts: ReconcilerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.pass(), this.opts.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.seen.clear();
  }

  /** One pass: heals what was already seen on the previous pass; returns what it healed. */
  async pass(): Promise<Drift[]> {
    if (this.running) return [];
    if (!this.opts.active()) {
      this.seen.clear();
      return [];
    }
    this.running = true;
    try {
      // The plan after the listing: an event that arrived in between is in both, or in neither.
      const pbx = await this.opts.list();
      if (!this.opts.active()) {
        this.seen.clear();
        return [];
      }
      const now = findDrift(this.opts.plans(), pbx, this.opts.app, this.opts.ended);
      const confirmed = [...now].filter(([key]) => this.seen.has(key));
      this.seen = new Map([...now].filter(([key]) => !this.seen.has(key)));
      const healed: Drift[] = [];
      for (const [, drift] of confirmed) {
        await this.opts.heal(drift);
        this.opts.onFixed(drift);
        healed.push(drift);
      }
      return healed;
    } catch (err) {
      this.opts.onError(err as Error);
      return [];
    } finally {
      this.running = false;
    }
  }
}
