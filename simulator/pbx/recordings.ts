// Recordings as states (no audio): a live recording is queued, then recording (RecordingStarted);
// stopping it, or its channel or bridge going away, makes it done (RecordingFinished) and stored.
import { AriError } from './ari-error.js';
import type { Clock } from './clock.js';

export interface LiveRecording {
  name: string;
  format: string;
  state: 'queued' | 'recording' | 'done' | 'canceled';
  targetUri: string;
  app: string;
  startedAt: number;
  timer: { cancel(): void } | null;
}

export interface RecordParams {
  name?: string | undefined;
  format?: string | undefined;
  maxDurationSeconds?: string | undefined;
  ifExists?: string | undefined;
}

type Send = (app: string, type: string, body: Record<string, unknown>) => void;

const FORMATS = new Set(['wav', 'wav16', 'gsm', 'ulaw', 'alaw', 'sln', 'g722', 'ogg', 'mp3']);

export function liveJson(r: LiveRecording): Record<string, unknown> {
  return { name: r.name, format: r.format, state: r.state, target_uri: r.targetUri };
}

export class Recordings {
  readonly live = new Map<string, LiveRecording>();
  readonly stored = new Map<string, { name: string; format: string }>();

  constructor(
    private readonly clock: Clock,
    private readonly send: Send,
  ) {}

  /** Validates, registers a queued recording and starts it on the next tick. */
  start(targetUri: string, app: string, p: RecordParams, later: (fn: () => void) => void): LiveRecording {
    if (!p.name) throw AriError.message(400, 'Recording name is required');
    if (!p.format) throw AriError.message(400, 'Recording format is required');
    if (!FORMATS.has(p.format)) throw AriError.message(422, `Recording format '${p.format}' is unknown`);
    const ifExists = p.ifExists ?? 'fail';
    if (!['fail', 'overwrite', 'append'].includes(ifExists))
      throw AriError.message(400, 'Invalid ifExists value');
    if (this.live.has(p.name) || (ifExists === 'fail' && this.stored.has(p.name))) {
      throw AriError.message(409, 'Recording with the same name already exists on the system');
    }
    const r: LiveRecording = {
      name: p.name,
      format: p.format,
      state: 'queued',
      targetUri,
      app,
      startedAt: this.clock.now(),
      timer: null,
    };
    this.live.set(r.name, r);
    later(() => {
      if (r.state !== 'queued') return;
      r.state = 'recording';
      r.startedAt = this.clock.now();
      this.send(app, 'RecordingStarted', { recording: liveJson(r) });
      const max = Number(p.maxDurationSeconds ?? 0);
      if (max > 0) r.timer = this.clock.setTimeout(() => this.finish(r, 'done'), max * 1000);
    });
    return r;
  }

  must(name: string): LiveRecording {
    const r = this.live.get(name);
    if (!r) throw AriError.message(404, 'Recording not found');
    return r;
  }

  finish(r: LiveRecording, state: 'done' | 'canceled'): void {
    if (!this.live.has(r.name)) return;
    r.timer?.cancel();
    this.live.delete(r.name);
    const wasRecording = r.state === 'recording';
    r.state = state;
    if (state === 'done') this.stored.set(r.name, { name: r.name, format: r.format });
    if (wasRecording) {
      const duration = Math.floor((this.clock.now() - r.startedAt) / 1000);
      this.send(r.app, 'RecordingFinished', { recording: { ...liveJson(r), duration } });
    }
  }

  /** The recorded channel hung up or the bridge went away. */
  finishTarget(targetUri: string): void {
    for (const r of [...this.live.values()]) if (r.targetUri === targetUri) this.finish(r, 'done');
  }

  mustStored(name: string): { name: string; format: string } {
    const s = this.stored.get(name);
    if (!s) throw AriError.message(404, 'Recording not found');
    return s;
  }

  shutdown(): void {
    for (const r of this.live.values()) r.timer?.cancel();
  }
}
