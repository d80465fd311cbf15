// The demo's regulation software: the example LRM (simulator/lrm) receiving the ACD's signed call
// events through the LRM link (src/lrm: BullMQ webhooks, so a Redis is needed), as a site would
// connect its own LRM (docs/lrm.md). Its figures are on /metrics (sas_acd_lrm_webhook_*).
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../src/ports/logger.js';
import type { SiteHandle } from '../../src/ports/site-handle.js';
import { LrmLink } from '../../src/lrm/lrm-link.js';
import { startExampleLrm, type ExampleLrm } from '../lrm/example-lrm.js';

export type DemoLrm = { url: string; lrm: ExampleLrm; link: LrmLink; stop(): Promise<void> };

export async function startDemoLrm(site: SiteHandle, redisUrl: string, logger: Logger): Promise<DemoLrm> {
  const secret = randomBytes(24).toString('hex');
  const lrm = await startExampleLrm({ secret });
  const link = new LrmLink({ site, redis: redisUrl, logger, webhook: { url: lrm.url, secret } });
  return {
    url: lrm.url,
    lrm,
    link,
    async stop() {
      await link.close();
      await lrm.close();
    },
  };
}
