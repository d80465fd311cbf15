// Liveness and readiness. /healthz answers as long as the process serves HTTP; /readyz runs the
// readiness checks it was given (Redis reachable, telephony connected, writer not stopped…) and
// answers 503 naming the failing ones, so a load balancer stops sending traffic. A process that is
// healthy but leads nothing (a standby: no lease, no PBX link) answers 503 `standby` too, unless
// asked `?standby=ready` (an orchestrator that must see every healthy process ready).
import type { Request, Response, Router } from 'express';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export type HealthOptions = {
  /** Each check's bound (a check that takes longer counts as failed). */
  timeoutMs?: number;
  /** Whether this process is a standby: it holds no writer lease, so no PBX link. */
  standby?: () => boolean;
};

export function mountHealth(
  router: Router,
  checks: Record<string, ReadinessCheck>,
  { timeoutMs = 2000, standby }: HealthOptions = {},
): void {
  router.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (req: Request, res: Response) => {
    const asked = req.query.standby;
    if (asked !== undefined && asked !== 'ready')
      return void res.status(400).json({ error: 'standby: only "ready" (a standby then answers 200)' });
    const results: Record<string, boolean> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), timeoutMs);
          });
          results[name] = await Promise.race([Promise.resolve(check()), timeout]);
        } catch {
          results[name] = false;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ready = Object.values(results).every(Boolean);
    if (!ready) return void res.status(503).json({ status: 'not-ready', checks: results });
    if (standby?.())
      return void res.status(asked === 'ready' ? 200 : 503).json({ status: 'standby', checks: results });
    res.json({ status: 'ready', checks: results });
  });
}
