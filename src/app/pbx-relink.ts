// How a leader gets its PBX link back (src/app/site-pbx.ts). ari-client reconnects its WebSocket by
// itself, but gives up after `wsRetries` tries (its WebSocketMaxRetries: by default 10, 100 ms
// doubled up to `wsRetryMaxMs` = 10 s, about 43 s in all); the link would then stay down for good.
// So a client that gave up is replaced by a new one, which tries to connect `retryMs` apart, doubled
// up to `retryMaxMs`, until the PBX is back; then the calls are taken over as at a new lead. The
// same backoff serves the first connection.

/** The defaults: ari-client's own reconnection (./ari-reconnect.ts), then ours. */
export const PBX_RELINK = {
  wsRetries: 10,
  wsRetryMaxMs: 10_000,
  retryMs: 2_000,
  retryMaxMs: 30_000,
} as const;

export type PbxRelink = { wsRetries: number; wsRetryMaxMs: number; retryMs: number; retryMaxMs: number };

/** ARI_WS_RETRIES, ARI_WS_RETRY_MAX_MS, PBX_RETRY_MS, PBX_RETRY_MAX_MS; every bad one named. */
export function parsePbxRelink(env: Record<string, string | undefined>, errors: string[]): PbxRelink {
  const read = (name: string, fallback: number, min: number, max: number, unit = ' (ms)'): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push(`${name}: an integer from ${min} to ${max}${unit}`);
      return fallback;
    }
    return value;
  };
  const wsRetries = read('ARI_WS_RETRIES', PBX_RELINK.wsRetries, 1, 1000, '');
  const wsRetryMaxMs = read('ARI_WS_RETRY_MAX_MS', PBX_RELINK.wsRetryMaxMs, 100, 600_000);
  const retryMs = read('PBX_RETRY_MS', PBX_RELINK.retryMs, 100, 600_000);
  const retryMaxMs = read('PBX_RETRY_MAX_MS', PBX_RELINK.retryMaxMs, 100, 600_000);
  if (retryMaxMs < retryMs) errors.push('PBX_RETRY_MAX_MS: at least PBX_RETRY_MS');
  return { wsRetries, wsRetryMaxMs, retryMs, retryMaxMs };
}

/** The wait before the next connection attempt: doubled each time, never above the cap. */
export function nextRetryMs(relink: PbxRelink, previousMs: number | null): number {
  return previousMs === null ? relink.retryMs : Math.min(previousMs * 2, relink.retryMaxMs);
}
