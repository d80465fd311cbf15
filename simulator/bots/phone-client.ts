// A phone on sim-pbx's endpoint WebSocket: registers an endpoint (e.g. "PJSIP/arm-1"), hears
// invites, and answers, rejects or hangs up. Bot agents and tests use it.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

export type PhoneMessage = { type: string; endpoint?: string; channelId?: string; [k: string]: unknown };

export class PhoneClient extends EventEmitter {
  readonly messages: PhoneMessage[] = [];
  private constructor(
    private readonly ws: WebSocket,
    readonly endpoint: string,
  ) {
    super();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as PhoneMessage;
      this.messages.push(m);
      // A refused request (answering a call the PBX has already ended: a caller or a hand-over
      // faster than the phone) is a message like any other, kept in `messages`; as an 'error' event
      // with nobody listening it would throw and take the process down.
      if (m.type === 'error' && this.listenerCount('error') === 0) return;
      this.emit(m.type, m);
    });
  }

  /** Connects and registers; `autoRing` makes the phone report ringing as soon as it is invited. */
  static async register(wsUrl: string, endpoint: string, autoRing = true): Promise<PhoneClient> {
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const phone = new PhoneClient(ws, endpoint);
    let refused = (_m: PhoneMessage): void => undefined;
    const registered = new Promise<void>((resolve, reject) => {
      phone.once('registered', () => resolve());
      refused = (m) => reject(new Error(String(m.message)));
      phone.once('error', refused);
    });
    phone.send({ type: 'register', endpoint, autoRing });
    await registered.finally(() => phone.off('error', refused));
    return phone;
  }

  private send(msg: Record<string, unknown>): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  answer(channelId: string): void {
    this.send({ type: 'answer', endpoint: this.endpoint, channelId });
  }

  reject(channelId: string, code = 486): void {
    this.send({ type: 'reject', endpoint: this.endpoint, channelId, code });
  }

  hangup(channelId: string): void {
    this.send({ type: 'hangup', endpoint: this.endpoint, channelId });
  }

  /** Answers every invite after `delayMs` (a bot's reaction time). */
  autoAnswer(delayMs = 0): void {
    this.on('invite', (m: PhoneMessage) => setTimeout(() => this.answer(String(m.channelId)), delayMs));
  }

  close(): void {
    this.ws.close();
  }
}
