// Which PBX `sas-acd serve` drives, read from its environment and checked with the other settings:
// Asterisk through ARI (the default), or FreeSWITCH through a drachtio-server (signalling,
// drachtio-srf) and FreeSWITCH's event socket (media, drachtio-fsmrf). Both adapters implement the
// same TelephonyPort and take calls in progress over after a change of leader (`adopt`).
import type { SiteConfig } from '../core/config.js';
import type { CallPlan } from '../core/telephony-plan.js';
import type { Logger } from '../ports/logger.js';
import { AriAdapter } from '../telephony/ari/ari-adapter.js';
import type { RefusedCall } from '../telephony/ari/trunk-refusal.js';
import { parseRestTimeoutMs } from '../telephony/ari/rest-timeout.js';
import type { CallRecordingOptions, RecordingAvailable } from '../telephony/ari/call-recording.js';
import { DrachtioAdapter } from '../telephony/drachtio/drachtio-adapter.js';
import type { TelephonyPort } from '../telephony/port.js';

export const PBX_KINDS = ['asterisk', 'freeswitch'] as const;
export type PbxKind = (typeof PBX_KINDS)[number];

export type PbxSettings =
  | {
      kind: 'asterisk';
      /** restTimeoutMs: bound on each ARI REST request (src/telephony/ari/rest-timeout.ts). */
      ari: { url: string; user: string; password: string; app: string; restTimeoutMs?: number };
    }
  | {
      kind: 'freeswitch';
      drachtio: { host: string; port: number; secret: string };
      freeswitch: { host: string; port: number; password: string };
      /** Where drachtio-fsmrf listens for FreeSWITCH's outbound event-socket connections. */
      eslListen: { address: string; port: number; advertisedAddress?: string };
      /** SIP URI templates: {user} (agent endpoint without its "PJSIP/"), {destination}, {number}. */
      agentUri: string;
      partnerUri: string;
      outboundUri: string;
      recordingsDir?: string;
    };

/** A telephony adapter serve can hand the PBX to; `adopt` takes calls in progress over. */
export interface PbxAdapter extends TelephonyPort {
  /**
   * Takes calls in progress over: `ended`, calls whose caller is to be hung up, never re-arrived;
   * `leave`, callers with a redirect pending (the ARI adapter leaves them for the outbox).
   */
  adopt(
    plans: CallPlan[],
    known?: {
      ended?: (callId: string) => boolean;
      leave?: (callId: string) => boolean;
      /** Outbound calls whose dial-out is still a pending effect. */
      placing?: (callId: string) => boolean;
    },
  ): Promise<object>;
  /** After a link outage: what vanished meanwhile, in the adapter's own view. */
  readopt(): Promise<unknown>;
}

/** `scheme://<secret>@host:port`, as the real-server test suites take them. */
function serverUrl(
  name: string,
  raw: string | undefined,
  scheme: string,
  errors: string[],
): { host: string; port: number; secret: string } | null {
  const example = `${scheme}://<secret>@127.0.0.1:${scheme === 'drachtio' ? 9022 : 8021}`;
  if (!raw) {
    errors.push(`${name}: required with PBX=freeswitch (e.g. ${example})`);
    return null;
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    errors.push(`${name}: not a URL (e.g. ${example})`);
    return null;
  }
  const port = Number(u.port);
  const secret = decodeURIComponent(u.username || u.password);
  if (u.protocol !== `${scheme}:` || !u.hostname || !Number.isInteger(port) || port <= 0 || !secret) {
    errors.push(`${name}: expected ${example}`);
    return null;
  }
  return { host: u.hostname, port, secret };
}

function hostPort(name: string, raw: string, errors: string[]): { address: string; port: number } | null {
  const m = /^([^:\s]+):(\d{1,5})$/.exec(raw);
  if (!m || Number(m[2]) > 65535) {
    errors.push(`${name}: expected host:port (e.g. 127.0.0.1:8085)`);
    return null;
  }
  return { address: m[1]!, port: Number(m[2]) };
}

function template(name: string, raw: string, field: string, errors: string[]): string {
  if (!/^sips?:/.test(raw) || !raw.includes(`{${field}}`))
    errors.push(`${name}: a SIP URI with {${field}} in it (e.g. sip:{${field}}@10.0.0.5)`);
  return raw;
}

/** Reads the PBX settings (`kind` from --pbx, else PBX, else asterisk); every bad one is named. */
export function parsePbxSettings(
  env: NodeJS.ProcessEnv,
  kind: string | undefined,
  errors: string[],
): PbxSettings | null {
  const pbx = kind ?? env.PBX ?? 'asterisk';
  if (!(PBX_KINDS as readonly string[]).includes(pbx)) {
    errors.push(`PBX (or --pbx): one of ${PBX_KINDS.join(', ')}, not "${pbx}"`);
    return null;
  }
  const before = errors.length;
  if (pbx === 'asterisk') {
    const url = env.ARI_URL ?? '';
    if (!url) errors.push('ARI_URL: required (e.g. http://asterisk:8088): the PBX carries out the calls');
    else if (!/^https?:\/\//.test(url)) errors.push('ARI_URL: must start with http:// or https://');
    if (!env.ARI_USER) errors.push('ARI_USER: required');
    if (!env.ARI_PASSWORD) errors.push('ARI_PASSWORD: required');
    const restTimeoutMs = parseRestTimeoutMs(env, errors);
    if (errors.length > before) return null;
    return {
      kind: 'asterisk',
      ari: {
        url,
        user: env.ARI_USER!,
        password: env.ARI_PASSWORD!,
        app: env.ARI_APP || 'sasacd',
        restTimeoutMs,
      },
    };
  }
  const drachtio = serverUrl('DRACHTIO_URL', env.DRACHTIO_URL, 'drachtio', errors);
  const esl = serverUrl('FREESWITCH_ESL', env.FREESWITCH_ESL, 'esl', errors);
  const listen = hostPort('ESL_LISTEN', env.ESL_LISTEN || '127.0.0.1:0', errors);
  const advertised = env.ESL_ADVERTISED_ADDRESS;
  const agentUri = template('SIP_AGENT_URI', env.SIP_AGENT_URI || 'sip:{user}@127.0.0.1', 'user', errors);
  const partnerUri = template(
    'SIP_PARTNER_URI',
    env.SIP_PARTNER_URI || 'sip:{destination}@127.0.0.1',
    'destination',
    errors,
  );
  const outboundUri = template(
    'SIP_OUTBOUND_URI',
    env.SIP_OUTBOUND_URI || 'sip:{number}@127.0.0.1',
    'number',
    errors,
  );
  if (errors.length > before || !drachtio || !esl || !listen) return null;
  return {
    kind: 'freeswitch',
    drachtio,
    freeswitch: { host: esl.host, port: esl.port, password: esl.secret },
    eslListen: { ...listen, ...(advertised ? { advertisedAddress: advertised } : {}) },
    agentUri,
    partnerUri,
    outboundUri,
    ...(env.RECORDINGS_DIR ? { recordingsDir: env.RECORDINGS_DIR } : {}),
  };
}

/** What to log about the PBX (no secret). */
export function describePbx(pbx: PbxSettings): Record<string, unknown> {
  return pbx.kind === 'asterisk'
    ? { pbx: pbx.kind, url: pbx.ari.url, app: pbx.ari.app }
    : {
        pbx: pbx.kind,
        drachtio: `${pbx.drachtio.host}:${pbx.drachtio.port}`,
        freeswitch: `${pbx.freeswitch.host}:${pbx.freeswitch.port}`,
      };
}

/** The agent's SIP user: its configured endpoint without a channel-driver prefix ("PJSIP/arm-1"). */
const userOf = (config: SiteConfig, agentId: string): string => {
  const endpoint = config.agents.find((a) => a.id === agentId)?.endpoint ?? agentId;
  return endpoint.split('/').pop() || agentId;
};

export function createPbxAdapter(
  pbx: PbxSettings,
  config: SiteConfig,
  logger: Logger,
  extra: {
    onLink?: (up: boolean) => void;
    /** ari-client stopped reconnecting (Asterisk; AriAdapterOptions.onGaveUp). */
    onGaveUp?: () => void;
    /** The next leader's client took the Stasis application over (Asterisk; AriAdapterOptions). */
    onReplaced?: () => void;
    /** Whole-call recording (docs/recording.md); on FreeSWITCH, with RECORDINGS_DIR set. */
    recording?: CallRecordingOptions;
    onRecording?: (r: RecordingAvailable) => void;
    /** Several sites on one Asterisk: their holding bridges named apart (AriAdapterOptions). */
    holdingBridgeTag?: string;
    /** Calls refused before distribution (trunk full); Asterisk only. */
    onRefused?: (r: RefusedCall) => void;
    /** New callers parked until the take-over (FreeSWITCH; DrachtioAdapterOptions). */
    parkUntilAdopted?: boolean;
  } = {},
): PbxAdapter {
  const { onLink, parkUntilAdopted, ...recording } = extra;
  const link = onLink ? { onLink } : {};
  if (pbx.kind === 'asterisk')
    return new AriAdapter({
      ...pbx.ari,
      endpointOf: (id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
      logger,
      ...link,
      ...recording,
    });
  const fill = (t: string, field: string, value: string) => t.replaceAll(`{${field}}`, value);
  return new DrachtioAdapter({
    drachtio: pbx.drachtio,
    freeswitch: pbx.freeswitch,
    eslListen: pbx.eslListen,
    agentUri: (id) => {
      const endpoint = config.agents.find((a) => a.id === id)?.endpoint ?? '';
      // An endpoint already written as a SIP URI is used as it is.
      return /^sips?:/.test(endpoint) ? endpoint : fill(pbx.agentUri, 'user', userOf(config, id));
    },
    partnerUri: (_partnerId, destination) => fill(pbx.partnerUri, 'destination', destination),
    outboundUri: (number) => fill(pbx.outboundUri, 'number', number),
    ...(pbx.recordingsDir ? { recordingsDir: pbx.recordingsDir } : {}),
    ...(parkUntilAdopted ? { parkUntilAdopted } : {}),
    logger,
    ...link,
    ...recording,
  });
}
