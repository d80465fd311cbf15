// Recordings as states (no audio): a live recording is queued, then recording (RecordingStarted);
// stopping it, or its channel or bridge going away, makes it done (RecordingFinished) and stored.
// With a recording directory, a stored recording is also a small file there (a WAV header and no
// samples: sim-pbx carries no media), so a test can follow a recording to the disk; a directory
// that does not exist fails as Asterisk's does (traces/bridge-recording: record 500, stored 500).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    /** Where stored recordings are written (Asterisk's astspooldir/recording); none: states only. */
    private readonly dir?: string,
  ) {}

  /** The file of a stored recording, when recordings are written to a directory. */
  fileOf(name: string, format: string): string | null {
    return this.dir ? join(this.dir, `${name}.${format.startsWith('wav') ? 'wav' : format}`) : null;
  }

  listStored(): { name: string; format: string }[] {
    if (this.dir && !existsSync(this.dir)) throw AriError.allocationFailed();
    return [...this.stored.values()];
  }

  /**
   * The stored file, as Asterisk ≥ 14 serves it: 404 for an unknown recording, 403 when its file
   * cannot be opened (no recording directory, or the file gone from the disk).
   */
  storedFile(name: string): { data: Buffer; contentType: string } {
    const s = this.mustStored(name);
    const file = this.fileOf(s.name, s.format);
    try {
      if (!file) throw new Error('no recording directory');
      return {
        data: readFileSync(file),
        contentType: s.format.startsWith('wav') ? 'audio/wav' : 'application/octet-stream',
      };
    } catch {
      throw AriError.message(403, 'Recording could not be opened');
    }
  }

  deleteStored(name: string): void {
    const s = this.mustStored(name);
    this.stored.delete(name);
    const file = this.fileOf(s.name, s.format);
    if (file) rmSync(file, { force: true });
  }

  private write(r: LiveRecording): void {
    const file = this.fileOf(r.name, r.format);
    if (!file) return;
    try {
      writeFileSync(file, r.format.startsWith('wav') ? wavHeader(r.format === 'wav16' ? 16000 : 8000) : '');
    } catch {
      // The directory went away meanwhile: the recording stays listed, as Asterisk's index would.
    }
  }

  /** Validates, registers a queued recording and starts it on the next tick. */
  start(targetUri: string, app: string, p: RecordParams, later: (fn: () => void) => void): LiveRecording {
    if (!p.name) throw AriError.message(400, 'Recording name is required');
    if (!p.format) throw AriError.message(400, 'Recording format is required');
    if (!FORMATS.has(p.format)) throw AriError.message(422, 'specified format is unknown on this system');
    if (this.dir && !existsSync(this.dir)) throw AriError.message(500, 'Internal Server Error');
    const ifExists = p.ifExists ?? 'fail';
    if (!['fail', 'overwrite', 'append'].includes(ifExists))
      throw AriError.message(400, 'Invalid ifExists value');
    if (this.live.has(p.name) || (ifExists === 'fail' && this.stored.has(p.name))) {
      // Asterisk's one body for both (EEXIST: in progress, or the file there with ifExists=fail).
      throw AriError.message(409, `Recording '${p.name}' already exists and can not be overwritten`);
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
    if (state === 'done') {
      this.stored.set(r.name, { name: r.name, format: r.format });
      this.write(r);
    }
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

/** A 16-bit mono PCM WAV header with no samples. */
function wavHeader(rate: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(0, 40);
  return h;
}
