// Wire formats of the FreeSWITCH lab: drachtio's `<N>#<payload>` frames (N = UTF-8 byte length, no
// delimiter, frames may share or straddle TCP segments), SIP messages (CRLF), and event-socket
// messages (`Name: value` lines, a blank line, then Content-Length bytes of body if announced).
import { randomUUID } from 'node:crypto';

export const CRLF = '\r\n';

/** Splits a byte stream into drachtio frames. */
export class FrameReader {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): string[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      const hash = this.buf.indexOf(0x23); // '#'
      if (hash < 0) break;
      const n = Number(this.buf.subarray(0, hash).toString('ascii'));
      if (!Number.isInteger(n) || n < 0) throw new Error('bad drachtio frame length');
      if (this.buf.length < hash + 1 + n) break;
      out.push(this.buf.subarray(hash + 1, hash + 1 + n).toString('utf8'));
      this.buf = this.buf.subarray(hash + 1 + n);
    }
    return out;
  }
}

export const frame = (payload: string): string => `${Buffer.byteLength(payload, 'utf8')}#${payload}`;

export type SipMessage = { first: string; headers: [string, string][]; body: string };

export function parseSip(text: string): SipMessage {
  const cut = text.indexOf(CRLF + CRLF);
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut + 4);
  const [first = '', ...lines] = head.split(CRLF);
  const headers: [string, string][] = [];
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return { first, headers, body };
}

export function sipText(m: SipMessage): string {
  const lines = m.headers.filter(([k]) => k.toLowerCase() !== 'content-length').map(([k, v]) => `${k}: ${v}`);
  lines.push(`Content-Length: ${Buffer.byteLength(m.body, 'utf8')}`);
  return `${m.first}${CRLF}${lines.join(CRLF)}${CRLF}${CRLF}${m.body}`;
}

export const header = (m: SipMessage, name: string): string | undefined =>
  m.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

export function setHeader(m: SipMessage, name: string, value: string): void {
  const i = m.headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
  if (i >= 0) m.headers[i] = [m.headers[i]![0], value];
  else m.headers.push([name, value]);
}

export const isResponse = (m: SipMessage): boolean => m.first.startsWith('SIP/2.0 ');
export const statusOf = (m: SipMessage): number => Number(m.first.split(' ')[1]);
export const methodOf = (m: SipMessage): string =>
  isResponse(m) ? ((header(m, 'CSeq') ?? '').split(' ')[1] ?? '') : m.first.split(' ')[0]!;
export const uriOf = (m: SipMessage): string => m.first.split(' ')[1] ?? '';
export const tagOf = (v: string | undefined): string | undefined => /;tag=([^;>\s]+)/.exec(v ?? '')?.[1];

/** `sip:user@host:port` (angle brackets, display names and params stripped). */
export function parseUri(v: string): { user: string; host: string; port: number } {
  const inner = /<([^>]+)>/.exec(v)?.[1] ?? v;
  const m = /^sips?:(?:([^@;]+)@)?([^:;>]+)(?::(\d+))?/.exec(inner.trim());
  return { user: m?.[1] ?? '', host: m?.[2] ?? '', port: Number(m?.[3] ?? 5060) };
}

export const newTag = (): string => randomUUID().replace(/-/g, '').slice(0, 13);
export const newBranch = (): string => `z9hG4bK${randomUUID().replace(/-/g, '').slice(0, 13)}`;

/** `hh:mm:ss.µs` as drachtio stamps messages. */
export function stamp(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

export const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  202: 'Accepted',
  302: 'Moved Temporarily',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  503: 'Service Unavailable',
};

// ---- event socket ----

export type EslMessage = { command: string; headers: Record<string, string>; body: string };

/** Splits an event-socket byte stream into messages (app→FS commands or FS→app replies). */
export class EslReader {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): EslMessage[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: EslMessage[] = [];
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) break;
      const lines = this.buf.subarray(0, end).toString('utf8').split('\n');
      const headers: Record<string, string> = {};
      let command = '';
      for (const [i, line] of lines.entries()) {
        const c = line.indexOf(': ');
        if (
          i === 0 &&
          (c < 0 ||
            /^(api|sendmsg|event|filter|auth|bgapi|exit|connect|linger|nixevent|noevents|myevents)\b/.test(
              line,
            ))
        )
          command = line;
        else if (c > 0) headers[line.slice(0, c)] = line.slice(c + 2);
        else if (line.endsWith(':')) headers[line.slice(0, -1)] = '';
      }
      const len = Number(headers['Content-Length'] ?? 0);
      if (this.buf.length < end + 2 + len) break;
      const body = this.buf.subarray(end + 2, end + 2 + len).toString('utf8');
      this.buf = this.buf.subarray(end + 2 + len);
      out.push({ command, headers, body });
    }
    return out;
  }
}

export function eslText(headers: Record<string, string>, body = ''): string {
  const h = { ...headers };
  if (body) h['Content-Length'] = String(Buffer.byteLength(body, 'utf8'));
  return `${Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n\n${body}`;
}

export const commandReply = (text: string): string =>
  eslText({ 'Content-Type': 'command/reply', 'Reply-Text': text });
export const apiResponse = (body: string): string => eslText({ 'Content-Type': 'api/response' }, body);
export const eventJson = (event: Record<string, string>): string => {
  const body = JSON.stringify(event);
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\nContent-Type: text/event-json\n\n${body}`;
};
export const DISCONNECT_BODY = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
export const disconnectNotice = (uuid?: string): string =>
  eslText(
    {
      'Content-Type': 'text/disconnect-notice',
      ...(uuid ? { 'Controlled-Session-UUID': uuid } : {}),
      'Content-Disposition': 'disconnect',
    },
    DISCONNECT_BODY,
  );
