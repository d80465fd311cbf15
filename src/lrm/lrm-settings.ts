// The LRM link's settings for `sas-acd serve`, from the environment (docs/lrm.md): all optional;
// without LRM_WEBHOOK_URL the ACD sends no webhooks and its own DRM fields stay the fallback.
import type { LrmLinkOptions } from './lrm-link.js';

export type LrmSettings = Pick<LrmLinkOptions, 'webhook' | 'hub'>;

const url = (name: string, value: string, errors: string[]) => {
  if (!/^https?:\/\/\S+$/.test(value)) errors.push(`${name}: must be an http:// or https:// URL`);
};
const secret = (name: string, value: string | undefined, errors: string[]) => {
  if (!value || value.length < 16) errors.push(`${name}: required with its URL, at least 16 characters`);
};

export function parseLrmSettings(env: NodeJS.ProcessEnv, errors: string[]): LrmSettings | undefined {
  const out: LrmSettings = {};
  if (env.LRM_WEBHOOK_URL) {
    url('LRM_WEBHOOK_URL', env.LRM_WEBHOOK_URL, errors);
    secret('LRM_WEBHOOK_SECRET', env.LRM_WEBHOOK_SECRET, errors);
    out.webhook = { url: env.LRM_WEBHOOK_URL, secret: env.LRM_WEBHOOK_SECRET ?? '' };
  }
  if (env.HUB_SANTE_URL) {
    url('HUB_SANTE_URL', env.HUB_SANTE_URL, errors);
    secret('HUB_SANTE_SECRET', env.HUB_SANTE_SECRET, errors);
    const organization = env.HUB_SANTE_ORGANIZATION ?? '';
    if (!/^[a-z]{2}\.[a-z]+\.[A-Za-z0-9_-]+$/.test(organization))
      errors.push('HUB_SANTE_ORGANIZATION: required with HUB_SANTE_URL, e.g. fr.health.samu440');
    const status = env.HUB_SANTE_STATUS ?? 'Actual';
    if (status !== 'Actual' && status !== 'Exercise') errors.push('HUB_SANTE_STATUS: Actual or Exercise');
    out.hub = {
      url: env.HUB_SANTE_URL,
      secret: env.HUB_SANTE_SECRET ?? '',
      organization,
      controlRoom: env.HUB_SANTE_CONTROL_ROOM ?? organization,
      recipient: env.HUB_SANTE_RECIPIENT ?? `${organization}.lrm`,
      status: status === 'Exercise' ? 'Exercise' : 'Actual',
    };
  }
  return out.webhook || out.hub ? out : undefined;
}
