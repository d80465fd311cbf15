// A live feed (Socket.IO namespace) that stays authenticated and says honestly whether it is alive.
// - The token is read at every (re)connection; an `expired` notice or a refused handshake with
//   token-expired refreshes the session and reconnects; a token the server no longer knows ends it.
// - Liveness: the page asks `alive` every 1.5 s; no answer for 3.5 s, or no connection for 1.5 s
//   (3.5 s while a socket the server closed at its token's expiry is renewed),
//   and the feed is "lost" (the banner shows it, within 5 s of losing the server). Socket.IO keeps
//   trying to reconnect (at most every 2 s) and the feed is "live" again at the first answer.
import { io, type Socket } from 'socket.io-client';
import { accessToken, endSession, onSessionChange, refresh } from './session.js';

export type LiveState = 'connecting' | 'live' | 'lost';

let arrivals = 0;
/** Orders what one socket delivered (a probe answer, a push): the later one is the fresher. */
export const arrival = () => ++arrivals;

const PROBE_MS = 1500;
const SILENCE_MS = 3500;
const DISCONNECTED_GRACE_MS = 1500;
/** A socket closed by the server at its token's expiry is being renewed (refresh, reconnect): a
 *  routine re-authentication, given the silence bound before it counts as lost (on a busy machine
 *  the refresh and the new handshake take more than the grace; a dead server still shows in 5 s). */
const RENEWING_GRACE_MS = SILENCE_MS;

export class LiveFeed {
  readonly socket: Socket;
  state: LiveState = 'connecting';
  /** Server clock minus ours, from the last probe answer. */
  skewMs = 0;
  /** The last probe answer (the agent feed adds the queues' load). */
  lastProbe: Record<string, unknown> | null = null;
  /** When the last probe answer came, by arrival(). */
  lastProbeArrival = 0;
  private lastAnswer = 0;
  private disconnectedAt: number | null = Date.now();
  private renewing = false;
  private timers: ReturnType<typeof setInterval>[] = [];
  private listeners = new Set<() => void>();
  private stopSession: () => void;

  constructor(namespace: '/agent' | '/supervisor', extraAuth: Record<string, unknown> = {}) {
    this.socket = io(namespace, {
      auth: (cb) => cb({ token: accessToken(), ...extraAuth }),
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
    });
    this.socket.on('connect', () => {
      this.disconnectedAt = null;
      this.renewing = false;
      this.probe();
    });
    this.socket.on('disconnect', (reason) => {
      this.disconnectedAt = Date.now();
      // The server closed us (token expiry): Socket.IO does not retry by itself.
      if (reason === 'io server disconnect') {
        this.renewing = true;
        void this.renew();
      }
    });
    this.socket.on('connect_error', (err: Error & { data?: { reason?: string } }) => {
      const reason = err.data?.reason;
      if (reason === 'token-expired') void this.renew();
      else if (reason) endSession(reasonText(reason));
      // no reason: the server is unreachable, Socket.IO retries by itself (not a routine renewal)
      else this.renewing = false;
    });
    this.stopSession = onSessionChange(() => {
      if (!accessToken()) this.close();
    });
    this.timers.push(setInterval(() => this.probe(), PROBE_MS));
    this.timers.push(setInterval(() => this.evaluate(), 500));
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private async renew() {
    try {
      await refresh();
      if (!this.socket.connected) this.socket.connect();
    } catch {
      // refresh() ends the session when refused, and retries itself when the server is away
      setTimeout(() => accessToken() && !this.socket.connected && this.socket.connect(), 2000);
    }
  }

  private probe() {
    if (!this.socket.connected) return;
    const sent = Date.now();
    this.socket.timeout(SILENCE_MS).emit('alive', (err: Error | null, answer?: Record<string, unknown>) => {
      if (err || !answer) return;
      const now = Date.now();
      this.lastAnswer = now;
      if (typeof answer.serverTime === 'number') this.skewMs = answer.serverTime - (sent + now) / 2;
      this.lastProbe = answer;
      this.lastProbeArrival = arrival();
      this.evaluate();
    });
  }

  private evaluate() {
    const now = Date.now();
    const lost =
      (this.disconnectedAt !== null &&
        now - this.disconnectedAt >= (this.renewing ? RENEWING_GRACE_MS : DISCONNECTED_GRACE_MS)) ||
      (this.socket.connected && this.lastAnswer > 0 && now - this.lastAnswer >= SILENCE_MS);
    const next: LiveState = lost
      ? 'lost'
      : this.socket.connected && this.lastAnswer > 0
        ? 'live'
        : this.state === 'lost'
          ? 'lost'
          : 'connecting';
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  }

  close() {
    for (const t of this.timers) clearInterval(t);
    this.stopSession();
    this.socket.close();
  }
}

function reasonText(reason: string): string {
  switch (reason) {
    case 'role-forbidden':
      return 'Votre profil ne donne pas accès à cet écran.';
    case 'no-agent':
      return 'Votre compte n’est lié à aucun poste.';
    case 'site-forbidden':
      return 'Vous n’êtes pas habilité sur ce site.';
    default:
      return 'Session non reconnue par le serveur : reconnectez-vous.';
  }
}
