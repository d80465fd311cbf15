// Call recording on FreeSWITCH (docs/recording.md, docs/freeswitch.md): the site's switch
// `recording: {enabled, format}` as on Asterisk. One file per call: `record_session` on the caller's
// channel from the first agent answer to the end of the call; the recording runs as a media bug on
// that channel, so it follows the caller through holds, bridges, transfers and the conference
// without a gap (../shared/freeswitch-1.10, trace `recording`). Named after the call's public
// reference, in the directory FreeSWITCH writes to (RECORDINGS_DIR). Stopped with `uuid_record stop`
// before the caller's endpoint goes; FreeSWITCH's RECORD_STOP (on the inbound connection, which
// fsmrf does not subscribe to: we do) says the file is closed, with its length: then it is reported.
import type { Logger } from '../../ports/logger.js';
import type { EslEvent, FsMediaServer } from './libs.js';

export type FsRecordingOptions = {
  /** The file's name for a call (the call's public reference). */
  nameOf: (callId: string) => string;
  /** wav, wav16, gsm, ulaw, alaw (read at each call's first answer, like the switch). */
  format: () => string;
  /** The site's switch, read at each call's first answer. */
  enabled: () => boolean;
};

/** A call's recording, closed by FreeSWITCH (same shape as the Asterisk adapter's report). */
export type FsRecordingAvailable = {
  callId: string;
  name: string;
  format: string;
  durationSeconds: number | null;
  at: number;
};

/** Channel variable naming a live recording (`<format>:<path>`), for a process taking over. */
export const RECORDING_VAR = 'sas_acd_recording';

/** The file FreeSWITCH writes for a format (mod_sndfile picks the encoding from the extension). */
const fileOf = (dir: string, name: string, format: string) =>
  `${dir}/${name}.${format === 'wav16' ? 'wav' : format}`;

type Live = { callId: string; uuid: string; name: string; format: string; path: string };

export class FsCallRecorder {
  private readonly byCall = new Map<string, Live>();
  /** Stopped, waiting for FreeSWITCH's RECORD_STOP (by file path). */
  private readonly stopping = new Map<string, Live>();

  constructor(
    private readonly dir: string,
    private readonly opts: FsRecordingOptions,
    private readonly logger: Logger,
    private readonly report: (r: FsRecordingAvailable) => void,
  ) {}

  /** Listens for RECORD_STOP on the media server's inbound connection. */
  attach(ms: FsMediaServer): void {
    ms.conn.subscribe(['RECORD_STOP']);
    ms.conn.on('esl::event::RECORD_STOP::*', (e) => this.stopped(e));
    // modesl's reconnection (./event-socket-link.ts) keeps no subscription: asked again.
    ms.conn.on('esl::ready', () => ms.conn.subscribe(['RECORD_STOP']));
  }

  /** Starts the call's recording on the caller's channel, once per call (switch on). */
  async start(ms: FsMediaServer, callId: string, uuid: string): Promise<void> {
    if (this.byCall.has(callId) || !this.opts.enabled()) return;
    const name = this.opts.nameOf(callId);
    const format = this.opts.format();
    const live: Live = { callId, uuid, name, format, path: fileOf(this.dir, name, format) };
    this.byCall.set(callId, live);
    try {
      // 16 kHz for wav16 (FreeSWITCH records at the channel's rate otherwise: 8 kHz for G.711).
      if (format === 'wav16') await this.api(ms, `uuid_setvar ${uuid} record_sample_rate 16000`);
      await this.api(ms, `uuid_setvar ${uuid} ${RECORDING_VAR} ${format}:${live.path}`);
      // uuid_record rather than record_session: it runs beside whatever the channel is doing
      // (a bridge, the music), where an application sent on the channel would wait for its turn.
      await this.api(ms, `uuid_record ${uuid} start ${live.path}`);
    } catch (err) {
      this.byCall.delete(callId);
      this.logger.error(
        { callId, recording: name, err: (err as Error)?.message },
        'call recording not started',
      );
    }
  }

  /** A caller taken over from another process, whose channel carries a live recording. */
  adopt(callId: string, uuid: string, variable: string | null): void {
    if (!variable || this.byCall.has(callId)) return;
    const at = variable.indexOf(':');
    const format = variable.slice(0, at);
    const path = variable.slice(at + 1);
    const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
    this.byCall.set(callId, { callId, uuid, name, format, path });
  }

  /** Stops the call's recording before its caller's endpoint goes; reported on RECORD_STOP. */
  async stop(ms: FsMediaServer | null, callId: string): Promise<void> {
    const live = this.byCall.get(callId);
    if (!live) return;
    this.byCall.delete(callId);
    this.stopping.set(live.path, live);
    await ms?.api(`uuid_record ${live.uuid} stop ${live.path}`).catch(() => undefined);
  }

  private stopped(e: EslEvent): void {
    const path = e.getHeader('Record-File-Path') ?? '';
    const live = this.stopping.get(path) ?? [...this.byCall.values()].find((l) => l.path === path);
    if (!live) return; // not ours, or already reported
    this.stopping.delete(path);
    this.byCall.delete(live.callId);
    const ms = Number(e.getHeader('variable_record_ms'));
    const micros = Number(e.getHeader('Event-Date-Timestamp'));
    this.report({
      callId: live.callId,
      name: live.name,
      format: live.format,
      durationSeconds:
        Number.isFinite(ms) && e.getHeader('variable_record_ms') ? Math.round(ms / 1000) : null,
      at: Number.isFinite(micros) && micros > 0 ? Math.floor(micros / 1000) : Date.now(),
    });
  }

  private async api(ms: FsMediaServer, command: string): Promise<void> {
    const out = await ms.api(command);
    if (/^-ERR/.test(out)) throw new Error(`${command.split(' ')[0]}: ${out.trim()}`);
  }
}
