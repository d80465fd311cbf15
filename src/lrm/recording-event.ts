// `recording.available` for the LRM (docs/lrm.md, docs/recording.md): telephony reports a call's
// recording once the PBX has stored it, after the call ended; it is not an engine event (the engine
// knows nothing of recordings), so it is built here from the adapter's report, with the same shape
// and the same kind of idempotency key as the events of ./lrm-events.ts.
import { callRef } from './call-ref.js';
import type { LrmEvent } from './lrm-events.js';

/** What telephony reports (src/telephony/ari/call-recording.ts, `RecordingAvailable`). */
export type RecordingReport = {
  callId: string;
  name: string;
  format: string;
  durationSeconds: number | null;
  at: number;
};

const keyPart = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, (c) => `~${c.charCodeAt(0).toString(16)}`);

export function recordingAvailableEvent(siteId: string, r: RecordingReport): LrmEvent {
  return {
    // One recording per call: the key names the recording, so a report repeated (a take-over that
    // sees the same file finish) is delivered once.
    id: `sas-${keyPart(siteId)}-${keyPart(r.callId)}-recording.available-${keyPart(r.name)}`,
    type: 'recording.available',
    siteId,
    callId: r.callId,
    callRef: callRef(siteId, r.callId),
    at: new Date(r.at).toISOString(),
    data: { name: r.name, format: r.format, durationSeconds: r.durationSeconds },
  };
}
