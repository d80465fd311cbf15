// The replay's chaos (`--chaos`): faults at given simulated times, each followed by the recovery the
// ACD must survive with nothing lost, cut or counted twice.
// - kill-acd-at=S[,S…]: kill -9 the ACD and start it again (own stack only);
// - restart-redis-at=S[,S…]: kill -9 redis-server and start it again on the same port and AOF (own
//   stack only; with appendfsync everysec no acknowledged write is lost, docs/store.md);
// - drop-ari-at=S[:D][,S[:D]…]: cut the ACD↔PBX link for D simulated seconds (default 10): sim-pbx
//   kills the ARI WebSocket and refuses ARI for that long (POST /sim/faults ariOutageMs).

export type ChaosPlan = {
  killAcdAt: number[];
  restartRedisAt: number[];
  dropAriAt: { at: number; forSeconds: number }[];
};

export const NO_CHAOS: ChaosPlan = { killAcdAt: [], restartRedisAt: [], dropAriAt: [] };

export const DEFAULT_ARI_OUTAGE_S = 10;

const MAX_S = 10 * 86_400;

function seconds(what: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > MAX_S)
    throw new Error(`--chaos ${what}: "${raw}" is not a number of seconds in [0, ${MAX_S}]`);
  return v;
}

/** Parses the `--chaos` specs; throws an Error whose message says what is wrong. */
export function parseChaos(specs: string[], external: boolean): ChaosPlan {
  const plan: ChaosPlan = { killAcdAt: [], restartRedisAt: [], dropAriAt: [] };
  for (const spec of specs) {
    const m = /^([a-z-]+)=(.+)$/.exec(spec);
    const kind = m?.[1];
    if (!m || (kind !== 'kill-acd-at' && kind !== 'restart-redis-at' && kind !== 'drop-ari-at'))
      throw new Error(
        `--chaos ${spec}: expected kill-acd-at=S[,S…], restart-redis-at=S[,S…] or drop-ari-at=S[:D][,S[:D]…]`,
      );
    if (external && kind !== 'drop-ari-at')
      throw new Error(`--chaos ${kind} needs the replay’s own stack (no --acd/--pbx)`);
    for (const item of m[2]!.split(',')) {
      if (kind === 'drop-ari-at') {
        const [at, d] = item.split(':');
        const forSeconds = d === undefined ? DEFAULT_ARI_OUTAGE_S : seconds(kind, d);
        if (forSeconds <= 0) throw new Error(`--chaos ${kind}: the outage must last more than 0 s`);
        plan.dropAriAt.push({ at: seconds(kind, at!), forSeconds });
      } else (kind === 'kill-acd-at' ? plan.killAcdAt : plan.restartRedisAt).push(seconds(kind, item));
    }
  }
  return plan;
}

/** What a fault did, as the replay's report shows it (proof that it happened). */
export type ChaosDone = {
  fault: 'kill-acd' | 'restart-redis' | 'drop-ari';
  atSeconds: number;
  /** Real milliseconds until the part was back (ready again, or the link open again). */
  backAfterMs: number;
  /** drop-ari: the ACD's connection attempts that sim-pbx refused during the outage. */
  refusedConnections?: number;
};

export type ChaosTargets = {
  restartAcd?: () => Promise<void>;
  restartRedis?: () => Promise<void>;
  /** Cuts the ARI link for that many real milliseconds; resolves once it is back, with the refusals. */
  cutAri: (ms: number) => Promise<{ refusedConnections: number }>;
};

/** Schedules the plan from now at `speed`; `stop()` cancels what has not fired and waits for the rest. */
export function scheduleChaos(
  plan: ChaosPlan,
  speed: number,
  targets: ChaosTargets,
  warn: (message: string) => void,
): { stop(): Promise<ChaosDone[]> } {
  const running: Promise<void>[] = [];
  const done: ChaosDone[] = [];
  const at = (
    s: number,
    fault: ChaosDone['fault'],
    act: (() => Promise<{ refusedConnections: number } | void>) | undefined,
  ) =>
    setTimeout(
      () => {
        if (!act) return;
        const started = Date.now();
        running.push(
          act()
            .then((r) => void done.push({ fault, atSeconds: s, backAfterMs: Date.now() - started, ...r }))
            .catch((err: Error) => warn(`${fault} at ${s} s: ${err.message}`)),
        );
      },
      (s * 1000) / speed,
    );
  const timers = [
    ...plan.killAcdAt.map((s) => at(s, 'kill-acd', targets.restartAcd)),
    ...plan.restartRedisAt.map((s) => at(s, 'restart-redis', targets.restartRedis)),
    ...plan.dropAriAt.map((d) => at(d.at, 'drop-ari', () => targets.cutAri((d.forSeconds * 1000) / speed))),
  ];
  return {
    async stop() {
      for (const t of timers) clearTimeout(t);
      await Promise.all(running);
      return done.sort((a, b) => a.atSeconds - b.atSeconds);
    },
  };
}
