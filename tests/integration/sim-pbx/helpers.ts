// Test helpers for sim-pbx: a phone on the endpoint WebSocket, the trunk over HTTP, and a log of the
// ARI events the real ari-client received.
import type { AriClient, AriEvent } from 'ari-client';
import WebSocket from 'ws';

export type Msg = Record<string, unknown> & { type: string };

async function waitUntil<T>(find: () => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export class Phone {
  readonly messages: Msg[] = [];
  private constructor(
    private readonly ws: WebSocket,
    readonly endpoint: string,
  ) {
    ws.on('message', (d) => this.messages.push(JSON.parse(String(d)) as Msg));
  }

  static async connect(url: string): Promise<WebSocket> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return ws;
  }

  static async register(url: string, endpoint: string, extra: Record<string, unknown> = {}): Promise<Phone> {
    const phone = new Phone(await Phone.connect(url), endpoint);
    phone.send({ type: 'register', endpoint, ...extra });
    await phone.waitFor((m) => m.type === 'registered');
    return phone;
  }

  send(msg: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  waitFor(pred: (m: Msg) => boolean, what = 'phone message'): Promise<Msg> {
    return waitUntil(() => this.messages.find(pred), what);
  }

  async invited(): Promise<string> {
    const m = await this.waitFor((x) => x.type === 'invite', `invite on ${this.endpoint}`);
    return String(m.channelId);
  }

  answer(channelId: string): void {
    this.send({ type: 'answer', endpoint: this.endpoint, channelId });
  }

  hangup(channelId: string): void {
    this.send({ type: 'hangup', endpoint: this.endpoint, channelId });
  }

  reject(channelId: string, code = 486): void {
    this.send({ type: 'reject', endpoint: this.endpoint, channelId, code });
  }

  close(): void {
    this.ws.close();
  }
}

export class EventLog {
  readonly events: AriEvent[] = [];
  constructor(client: AriClient) {
    client.on('*', (e: AriEvent) => this.events.push(e));
  }

  waitFor(pred: (e: AriEvent) => boolean, what: string): Promise<AriEvent> {
    return waitUntil(() => this.events.find(pred), what);
  }

  of(channelId: string): string[] {
    return this.events
      .filter((e) => e.channel?.id === channelId || e.peer?.id === channelId)
      .map((e) => (e.type === 'Dial' ? `Dial:${e.dialstatus}` : e.type));
  }
}

export async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export { waitUntil };
