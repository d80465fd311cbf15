// The leader's periodic reconciliation with the PBX (src/telephony/ari/reconcile.ts), as serve
// runs it: only while the PBX link is up and effects are carried out (never during a take-over),
// each healed disagreement logged and counted (metric sas_acd_telephony_fixes_total).
import { telephonyPlan } from '../core/telephony-plan.js';
import type { Logger } from '../ports/logger.js';
import type { SiteShell } from '../shell/site-shell.js';
import type { AriAdapter } from '../telephony/ari/ari-adapter.js';
import { PbxReconciler, type DriftKind } from '../telephony/ari/reconcile.js';

/** Healed disagreements by kind, for the metrics; kept for the life of the process. */
export class TelephonyFixes {
  readonly counts = new Map<DriftKind, number>();
  add(kind: DriftKind): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
}

export function startReconciliation(opts: {
  site: SiteShell;
  adapter: AriAdapter;
  app: string;
  ended: (callId: string) => boolean;
  everyMs: number;
  fixes: TelephonyFixes;
  logger: Logger;
  clock?: () => number;
}): PbxReconciler {
  const clock = opts.clock ?? Date.now;
  const reconciler = new PbxReconciler({
    plans: () => telephonyPlan(opts.site.state, clock()),
    list: () => opts.adapter.listPbx(),
    heal: (drift) => opts.adapter.heal(drift),
    app: opts.app,
    ended: opts.ended,
    active: () => opts.adapter.connected && opts.site.carryingOutEffects && opts.site.role === 'leader',
    everyMs: opts.everyMs,
    onFixed: (drift) => {
      opts.fixes.add(drift.kind);
      const { kind, ...what } = drift;
      const named =
        'channel' in what ? { channelId: what.channel.id } : 'hold' in what ? { callId: what.callId } : what;
      opts.logger.warn({ kind, ...named }, 'PBX and engine disagreed (a missed event): healed');
    },
    onError: (err) => opts.logger.warn({ err: err.message }, 'reconciliation pass failed'),
  });
  reconciler.start();
  return reconciler;
}
