// Stasis applications as Asterisk sees them: registered once a client connected with the app name,
// active while a WebSocket is open. Events for an inactive app are lost (no replay on reconnect).
import type { WebSocket } from 'ws';
import { RestStalls } from './rest-stall.js';

export type AppEvent = Record<string, unknown> & { type: string };

export class AppBus {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly registeredApps = new Set<string>();
  /** Fault switch: hold every event this long before sending (order is kept). */
  delayMs = 0;
  /** Fault switch: until this instant (Date.now()), the ARI link is down (server.ts refuses it). */
  linkDownUntilMs = 0;
  /** ARI connections (WebSocket or REST) refused during outages: proof the client tried. */
  refusedWhileDown = 0;
  /** Fault switch: ARI REST requests that get no answer (rest-stall.ts). */
  readonly restStalls = new RestStalls();
  /**
   * Fault switch: the next `left` event WebSocket upgrades are accepted over TCP and never
   * answered (a PBX that hangs mid-handshake); `held` counts them, `closedByClient` those the
   * client gave up on.
   */
  readonly wsStalls = { left: 0, held: 0, closedByClient: 0 };
  /** Every WebSocket the applications got, in order (ground truth: which client held an app when). */
  readonly attaches: { apps: string[]; atMs: number }[] = [];

  /** True while an outage lasts; counts the connection it is asked about as refused. */
  refuseLink(): boolean {
    if (Date.now() >= this.linkDownUntilMs) return false;
    this.refusedWhileDown++;
    return true;
  }

  registered(): string[] {
    return [...this.registeredApps];
  }

  isRegistered(app: string): boolean {
    return this.registeredApps.has(app);
  }

  isActive(app: string): boolean {
    return (this.sockets.get(app)?.size ?? 0) > 0;
  }

  /** One WebSocket per application: a newer one takes over and the older hears ApplicationReplaced. */
  attach(apps: string[], ws: WebSocket, timestamp: string, asteriskId: string): void {
    this.attaches.push({ apps, atMs: Date.now() });
    for (const app of apps) {
      this.registeredApps.add(app);
      let set = this.sockets.get(app);
      if (!set) this.sockets.set(app, (set = new Set()));
      for (const old of set) {
        if (old.readyState === old.OPEN) {
          old.send(
            JSON.stringify({
              type: 'ApplicationReplaced',
              timestamp,
              asterisk_id: asteriskId,
              application: app,
            }),
          );
        }
      }
      set.clear();
      set.add(ws);
    }
    ws.on('close', () => {
      for (const app of apps) this.sockets.get(app)?.delete(ws);
    });
  }

  deliver(app: string, event: AppEvent): void {
    const set = this.sockets.get(app);
    if (!set || set.size === 0) return;
    const text = JSON.stringify(event);
    const targets = [...set];
    const send = (): void => {
      for (const ws of targets) if (ws.readyState === ws.OPEN) ws.send(text);
    };
    if (this.delayMs > 0) setTimeout(send, this.delayMs);
    else send();
  }

  /** Fault switch: kill every app WebSocket without a close frame, as a crashed client would. */
  dropAll(): number {
    let n = 0;
    for (const set of this.sockets.values()) {
      for (const ws of set) {
        ws.terminate();
        n++;
      }
      set.clear();
    }
    return n;
  }

  closeAll(): void {
    for (const set of this.sockets.values()) for (const ws of set) ws.close(1001, 'sim-pbx shutting down');
  }
}
