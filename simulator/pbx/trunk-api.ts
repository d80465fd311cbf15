// The trunk side and the test switches, over HTTP under /sim: inject callers, read each call's
// ground-truth timeline, make a caller hang up, flip fault switches.
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { WebSocket } from 'ws';
import type { AppBus } from './app-bus.js';
import { AriError } from './ari-error.js';
import type { Pbx } from './pbx.js';
import { describeIssues, faultsSchema, injectCallSchema } from './validation.js';

export function trunkRouter(pbx: Pbx, bus: AppBus): Router {
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));

  r.post('/calls', (req, res) => {
    const parsed = injectCallSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: `invalid call: ${describeIssues(parsed.error)}` });
      return;
    }
    res.status(201).json(pbx.injectCall(parsed.data));
  });

  r.get('/calls', (_req, res) => {
    res.json({ calls: [...pbx.timelines.calls.values()] });
  });

  // Long load runs: forget the calls that have ended (their timelines have been read).
  r.delete('/calls', (_req, res) => {
    let removed = 0;
    for (const [id, call] of pbx.timelines.calls) {
      if (call.endedAtMs !== null) {
        pbx.timelines.calls.delete(id);
        removed++;
      }
    }
    res.json({ removed });
  });

  r.get('/calls/:callId', (req, res) => {
    const call = pbx.timelines.calls.get(req.params.callId);
    if (!call) {
      res.status(404).json({ error: `no call ${req.params.callId}` });
      return;
    }
    res.json(call);
  });

  r.post('/calls/:callId/hangup', (req, res) => {
    const call = pbx.timelines.calls.get(req.params.callId);
    if (!call) {
      res.status(404).json({ error: `no call ${req.params.callId}` });
      return;
    }
    if (call.endedAtMs !== null || !pbx.channels.has(call.channelId)) {
      res.status(409).json({ error: `call ${call.callId} has already ended` });
      return;
    }
    pbx.callerHangup(call.callId);
    res.status(204).end();
  });

  // Who listens to whom (supervisor listen-in): each snoop channel, its directions, its bridge peers.
  r.get('/snoops', (_req, res) => {
    res.json({ snoops: pbx.snoops() });
  });

  r.get('/endpoints', (_req, res) => {
    res.json({
      endpoints: [...pbx.endpoints.values()].map((e) => ({ endpoint: e.key, context: e.context })),
    });
  });

  r.get('/faults', (_req, res) => {
    res.json({
      eventDelayMs: bus.delayMs,
      failNextOriginate: pbx.failNextOriginate !== null,
      ariOutageLeftMs: Math.max(0, bus.linkDownUntilMs - Date.now()),
      ariRefused: bus.refusedWhileDown,
      ariStallsLeft: bus.restStalls.left,
      ariStalled: bus.restStalls.stalled,
      ariWebSocketStalls: bus.wsStalls,
      ariWebSockets: bus.attaches.length,
    });
  });

  r.post('/faults', (req, res) => {
    const parsed = faultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: `invalid faults: ${describeIssues(parsed.error)}` });
      return;
    }
    const f = parsed.data;
    let dropped = 0;
    if (f.eventDelayMs !== undefined) bus.delayMs = f.eventDelayMs;
    if (f.failNextOriginate !== undefined)
      pbx.failNextOriginate = f.failNextOriginate ? AriError.allocationFailed() : null;
    if (f.stallAriRequests !== undefined) bus.restStalls.set(f.stallAriRequests);
    if (f.stallAriWebSockets !== undefined) bus.wsStalls.left = f.stallAriWebSockets;
    if (f.dropAriWebSocket) dropped = bus.dropAll();
    // A network cut between the ACD and the PBX: the app WebSockets die and ARI (WebSocket and
    // REST) refuses every connection for that long; calls go on, their events are lost.
    if (f.ariOutageMs !== undefined) {
      bus.linkDownUntilMs = Date.now() + f.ariOutageMs;
      if (f.ariOutageMs > 0) dropped = bus.dropAll();
    }
    res.json({ eventDelayMs: bus.delayMs, failNextOriginate: pbx.failNextOriginate !== null, dropped });
  });

  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    res.status(400).json({ error: `malformed JSON body: ${(err as Error).message}` });
  });
  r.use((_req, res) => {
    res.status(404).json({ error: 'no such sim-pbx resource' });
  });
  return r;
}

/** WS /sim/calls/events: every timeline entry as it happens. */
export function handleTimelineSocket(pbx: Pbx, ws: WebSocket): void {
  const off = pbx.timelines.onEntry((call, entry) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'timeline', callId: call.callId, entry }));
  });
  ws.on('close', off);
}
