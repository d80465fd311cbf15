// `serve`'s WebRTC phone settings, from the environment:
// - SIP_WS_URL: the SIP/WebRTC gateway's WebSocket (wss://pbx:8089/ws for Asterisk, wss://fs:7443
//   for FreeSWITCH's sofia). Set: the panel is a WebRTC phone; absent: the desk phone as before.
// - SIP_DOMAIN: the domain of the agents' SIP addresses (default: the gateway's host name).
// - SIP_PASSWORDS_FILE: a JSON object, SIP user (the agent's endpoint without "PJSIP/") → password,
//   the same passwords as the PBX's endpoints (asterisk-config/pjsip.conf [arm-1] auth). A file,
//   not a variable: secrets stay out of `ps`, of /web-config.json and of the logs.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { WebRtcPhoneSettings } from '../api/routers/agent-phone.js';

const passwordsSchema = z.record(z.string().min(1), z.string().min(1));

/** The settings, or undefined without SIP_WS_URL; every bad field is pushed onto `errors`. */
export function parseWebRtcSettings(
  env: NodeJS.ProcessEnv,
  errors: string[],
): WebRtcPhoneSettings | undefined {
  const wsUrl = env.SIP_WS_URL;
  if (!wsUrl) {
    if (env.SIP_PASSWORDS_FILE) errors.push('SIP_PASSWORDS_FILE: set without SIP_WS_URL (the gateway)');
    return undefined;
  }
  let url: URL | null = null;
  try {
    url = new URL(wsUrl);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'wss:' && url.protocol !== 'ws:')) {
    errors.push('SIP_WS_URL: a WebSocket URL, e.g. wss://pbx.example:8089/ws');
    return undefined;
  }
  const domain = env.SIP_DOMAIN || url.hostname;
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) errors.push('SIP_DOMAIN: a host name, e.g. pbx.example');
  const passwords = new Map<string, string>();
  const file = env.SIP_PASSWORDS_FILE;
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (err) {
      errors.push(`SIP_PASSWORDS_FILE (${file}): cannot read a JSON document: ${(err as Error).message}`);
    }
    if (raw !== undefined) {
      const parsed = passwordsSchema.safeParse(raw);
      if (parsed.success) for (const [user, pw] of Object.entries(parsed.data)) passwords.set(user, pw);
      else
        errors.push(
          `SIP_PASSWORDS_FILE (${file}): an object of SIP user → password (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        );
    }
  }
  return { wsUrl, domain, passwords };
}
