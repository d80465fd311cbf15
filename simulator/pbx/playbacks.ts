// Playbacks as states: queued, playing, then done (after the media's duration) or failed (unknown
// media, like a missing sound file). PlaybackStarted / PlaybackFinished go to the app that asked.
import { randomUUID } from 'node:crypto';
import { AriError } from './ari-error.js';
import type { Clock } from './clock.js';
import type { Playback } from './model.js';
import { playbackJson } from './model.js';

/** Media sim-pbx knows, with their durations in ms; `tone:…` plays until stopped. */
export const DEFAULT_SOUNDS: Record<string, number> = {
  'sound:hello-world': 1500,
  'sound:pls-hold-while-try': 2500,
  'sound:queue-periodic-announce': 3000,
  'sound:beep': 300,
};

type Send = (app: string, type: string, body: Record<string, unknown>) => void;

export class Playbacks {
  readonly all = new Map<string, Playback>();
  private readonly sounds: Record<string, number>;

  constructor(
    private readonly clock: Clock,
    sounds: Record<string, number>,
    private readonly send: Send,
  ) {
    this.sounds = { ...DEFAULT_SOUNDS, ...sounds };
  }

  create(media: string, targetUri: string, app: string, lang?: string, id?: string): Playback {
    if (id && this.all.has(id)) throw AriError.message(409, 'Playback with the same id already exists');
    const p: Playback = {
      id: id ?? randomUUID(),
      mediaUri: media,
      targetUri,
      language: lang ?? 'en',
      state: 'queued',
      app,
      timer: null,
    };
    this.all.set(p.id, p);
    return p;
  }

  must(id: string): Playback {
    const p = this.all.get(id);
    if (!p) throw AriError.message(404, 'Playback not found');
    return p;
  }

  start(p: Playback): void {
    if (p.state !== 'queued' || !this.all.has(p.id)) return;
    p.state = 'playing';
    this.send(p.app, 'PlaybackStarted', { playback: playbackJson(p) });
    let total = 0;
    for (const item of p.mediaUri.split(',')) {
      if (item.startsWith('tone:')) return; // plays until stopped
      const ms = this.sounds[item];
      if (ms === undefined) {
        this.finish(p, 'failed');
        return;
      }
      total += ms;
    }
    p.timer = this.clock.setTimeout(() => this.finish(p, 'done'), total);
  }

  finish(p: Playback, state: 'done' | 'failed'): void {
    if (p.state === 'done' || p.state === 'failed') return;
    p.timer?.cancel();
    const wasQueued = p.state === 'queued';
    p.state = state;
    this.all.delete(p.id);
    if (!wasQueued) this.send(p.app, 'PlaybackFinished', { playback: playbackJson(p) });
  }

  /** The channel hung up or the bridge went away: its playbacks end. */
  finishTarget(targetUri: string): void {
    for (const p of [...this.all.values()]) if (p.targetUri === targetUri) this.finish(p, 'done');
  }

  shutdown(): void {
    for (const p of this.all.values()) p.timer?.cancel();
  }
}
