// Liveness and readiness. /healthz answers as long as the process serves HTTP; /readyz runs the
// readiness checks it was given (Redis reachable, telephony connected, writer or standby…) and
// answers 503 naming the failing ones, so a load balancer stops sending traffic.
import type { Request, Response, Router } from 'express';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export function mountHealth(router: Router, checks: Record<string, ReadinessCheck>, timeoutMs = 2000): void {
  router.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req: Request, res: Response) => {
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
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
}
