// Call recording on Asterisk (issue 25, docs/recording.md): one file per call, the call's mixing
// bridge recorded through ARI (`POST /bridges/{id}/record`) from the moment the bridge is made (the
// first answer) until the call ends. The adapter keeps one mixing bridge per call for the call's
// whole life (holding, transfers, the doctor's conference move the caller out and back in), and the
// recorded trace `bridge-recording` shows that moving channels neither stops nor splits a bridge
// recording: so the file is one, never stitched. The recording is stopped before the bridge is
// destroyed (as in the trace); `RecordingFinished` then says the file is there, and it is reported.
import type { Logger } from '../../ports/logger.js';
import type { AriRest } from './ari-rest.js';

export type CallRecordingOptions = {
  /** The file's name for a call (the call's public reference: no PBX id in file names). */
  nameOf: (callId: string) => string;
  /** ARI format, e.g. "wav" (read at each call's first answer, like the switch). */
  format: () => string;
  /** The site's switch, read at each call's first answer (a configuration replaced applies to new calls). */
  enabled: () => boolean;
};

/** A call's recording, finished and stored on the PBX. */
export type RecordingAvailable = {
  callId: string;
  /** The stored recording's name on the PBX (`GET /recordings/stored/{name}`). */
  name: string;
  format: string;
  /** As the PBX counts it (the audio written, whole seconds); null when it says nothing. */
  durationSeconds: number | null;
  /** When it finished (the PBX's timestamp, epoch ms). */
  at: number;
};

export type AriRecordingEvent = {
  type: string;
  timestamp?: string;
  recording?: { name?: string; format?: string; state?: string; target_uri?: string; duration?: number };
};

export class CallRecorder {
  private readonly live = new Map<string, string>(); // callId -> recording name
  private readonly calls = new Map<string, { callId: string; format: string }>(); // name -> call

  constructor(
    private readonly opts: CallRecordingOptions,
    private readonly logger: Logger,
    private readonly report: (r: RecordingAvailable) => void,
  ) {}

  /** Starts the call's recording on its mixing bridge, once per call. */
  async start(c: AriRest, callId: string, bridgeId: string): Promise<void> {
    if (this.live.has(callId) || !this.opts.enabled()) return;
    const name = this.opts.nameOf(callId);
    const format = this.opts.format();
    this.live.set(callId, name);
    this.calls.set(name, { callId, format });
    try {
      // ifExists=fail: a name already taken is another call's file, never overwritten.
      await c.bridges.record({ bridgeId, name, format, ifExists: 'fail', beep: false });
    } catch (err) {
      this.live.delete(callId);
      this.calls.delete(name);
      this.logger.error(
        { callId, recording: name, err: (err as Error)?.message },
        'call recording not started',
      );
    }
  }

  /** A call taken over from another process: its bridge's recording (if any) is followed by name. */
  adopt(callId: string): void {
    if (this.live.has(callId)) return;
    const name = this.opts.nameOf(callId);
    this.live.set(callId, name);
    this.calls.set(name, { callId, format: this.opts.format() });
  }

  /** Stops the call's recording before its bridge goes; a recording already gone is no error. */
  async stop(c: AriRest, callId: string): Promise<void> {
    const name = this.live.get(callId);
    if (!name) return;
    this.live.delete(callId);
    try {
      await c.recordings.stop({ recordingName: name });
    } catch {
      // Not live (never started after a take-over, or ended with its bridge): nothing to stop.
    }
  }

  /** RecordingFinished / RecordingFailed of one of our calls. */
  onEvent(e: AriRecordingEvent, at: number): void {
    const name = e.recording?.name;
    const call = name ? this.calls.get(name) : undefined;
    if (!name || !call) return;
    this.calls.delete(name);
    this.live.delete(call.callId);
    if (e.type === 'RecordingFailed') {
      this.logger.error({ callId: call.callId, recording: name }, 'call recording failed');
      return;
    }
    const duration = e.recording?.duration;
    this.report({
      callId: call.callId,
      name,
      format: e.recording?.format ?? call.format,
      durationSeconds: typeof duration === 'number' && Number.isFinite(duration) ? duration : null,
      at,
    });
  }
}
