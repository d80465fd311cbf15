// The recorded drachtio-server + FreeSWITCH scenarios (../shared/freeswitch-1.10/traces): loading,
// validation (a bad file is named with what is wrong), and the labels messages are compared by.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type DrachtioFrame = { t_ms: number; conn: string; dir: 'app->server' | 'server->app'; raw: string };
export type EslFrame = {
  t_ms: number;
  conn: string;
  dir: 'app->fs' | 'fs->app';
  raw: string;
  parsed: { headers?: Record<string, string>; body?: unknown };
};
export type SipLine = { t_ms: number; sipp: string; dir: 'sent' | 'received'; line: string };
export type TcpEvent = { t_ms: number; channel: string; conn: string; event: 'open' | 'close'; by?: string };
export type FsTrace = {
  scenario: string;
  drachtio: DrachtioFrame[];
  esl: EslFrame[];
  sip_messages: SipLine[];
  tcp_connections: TcpEvent[];
};

export function traceFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

export function loadTrace(file: string): FsTrace {
  let t: Record<string, unknown>;
  try {
    t = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${basename(file)}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const problems: string[] = [];
  for (const k of ['drachtio', 'esl', 'sip_messages', 'tcp_connections'])
    if (!Array.isArray(t[k])) problems.push(`"${k}" must be an array`);
  if (problems.length === 0) {
    (t.drachtio as DrachtioFrame[]).forEach((m, i) => {
      if (typeof m.raw !== 'string' || typeof m.t_ms !== 'number' || !/^drachtio-\d+$/.test(m.conn ?? ''))
        problems.push(`drachtio[${i}]: needs t_ms, conn "drachtio-<n>" and raw`);
    });
    (t.esl as EslFrame[]).forEach((m, i) => {
      if (typeof m.raw !== 'string' || typeof m.t_ms !== 'number' || typeof m.conn !== 'string')
        problems.push(`esl[${i}]: needs t_ms, conn and raw`);
    });
  }
  if (problems.length > 0) throw new Error(`${basename(file)}: ${problems.slice(0, 5).join('; ')}`);
  return t as unknown as FsTrace;
}

export const scenarioName = (file: string, t: FsTrace): string =>
  typeof t.scenario === 'string' && t.scenario ? t.scenario : basename(file, '.json');

const norm = (s: string): string =>
  s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'U')
    .replace(/\d+/g, 'N')
    .trim();

/** drachtio server→app: what kind of message, not its ids. */
export function drachtioLabel(payload: string): string {
  const nl = payload.indexOf('\r\n');
  const lead = (nl < 0 ? payload : payload.slice(0, nl)).split('|');
  const sip = nl < 0 ? '' : payload.slice(nl + 2);
  const first = sip.split('\r\n')[0] ?? '';
  const cseq = /\r\nCSeq:\s*\d+\s+(\w+)/i.exec(sip)?.[1] ?? '';
  const sipLabel = first.startsWith('SIP/2.0')
    ? `${first.split(' ')[1]} ${cseq}`
    : (first.split(' ')[0] ?? '');
  if (lead[1] === 'sip') return `sip ${sipLabel}`;
  if (lead[1] === 'response') {
    if (lead[3] === 'NOK') return `response NOK ${norm(lead[4] ?? '')}`;
    return sip ? `response OK sent ${sipLabel}` : 'response OK';
  }
  return lead[1] ?? '?';
}

/** event socket FS→app: content type, reply text, event name (application, conference action). */
export function eslLabel(headers: Record<string, string>, body: string): string {
  const type = headers['Content-Type'] ?? '';
  if (type === 'command/reply') {
    if (headers['Event-Name'] === 'CHANNEL_DATA') return 'reply CHANNEL_DATA';
    return `reply ${norm(decodeURIComponent(headers['Reply-Text'] ?? ''))}`;
  }
  if (type === 'api/response') return `api ${norm(body.split('\n')[0] ?? '').slice(0, 40)}`;
  if (type === 'text/event-json') {
    let e: Record<string, string>;
    try {
      e = JSON.parse(body) as Record<string, string>;
    } catch {
      return 'event ?';
    }
    const name = e['Event-Name'] ?? '?';
    if (name === 'CUSTOM') return `event CUSTOM ${e['Event-Subclass']} ${e.Action ?? ''}`.trim();
    if (name.startsWith('CHANNEL_EXECUTE')) return `event ${name} ${e.Application ?? ''}`;
    if (name === 'CHANNEL_CALLSTATE') return `event ${name} ${e['Channel-Call-State'] ?? ''}`;
    return `event ${name}`;
  }
  if (type === 'text/disconnect-notice') return 'disconnect-notice';
  return type || '?';
}
