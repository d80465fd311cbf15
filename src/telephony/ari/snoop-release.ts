// Hanging up an ARI snoop channel so that it is gone from Asterisk, not only from the app.
// Asterisk 22 (res_stasis_snoop.c, main/audiohook.c): DELETE /channels/{snoop} ends its Stasis at
// once (StasisEnd), but its hang-up (snoop_hangup → ast_audiohook_detach) then waits until the
// spied channel passes an audio frame, which is when Asterisk takes the spy / whisper audiohooks
// off it. On a leg that carries audio that is one frame (20 ms) away; on a silent leg (no RTP
// either way: a phone with silence suppression, the lab's sipp phones) the Snoop/ channel stays,
// outside the app, until that leg ends. So a snoop still listed a short while after its hang-up
// gets its frame: a 20 ms tone of silence played on the spied leg, stopped once the snoop is gone.
// The leg carried no audio, so the agent misses nothing.
import { randomUUID } from 'node:crypto';
import type { AriRest } from './ari-rest.js';

const POLL_MS = 50;
/** Far more than the frame (20 ms) a leg with audio needs to release its snoop. */
const AUDIO_LEG_MS = 500;
/** The playback's frame reaches the leg well within this. */
const NUDGED_MS = 3000;
/** Silence (0 Hz) for 20 ms, not repeated ("!": indications.c). */
const SILENT_FRAME = 'tone:!0/20';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET /channels/{id} answers until the channel is destroyed (its snapshot goes then). */
async function goneWithin(c: AriRest, channelId: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    const gone = await c.channels.get({ channelId }).then(
      () => false,
      () => true,
    );
    if (gone) return true;
    if (Date.now() >= end) return false;
    await sleep(POLL_MS);
  }
}

/**
 * Hangs the snoop channel up and sees it destroyed: true once it is, false if it is still there
 * (then its spied leg's end takes it). `spied`: the channel it spies on, if still known.
 */
export async function releaseSnoop(
  c: AriRest,
  snoopId: string,
  spied: string | null,
  hangup: (channelId: string) => Promise<void>,
): Promise<boolean> {
  await hangup(snoopId);
  if (await goneWithin(c, snoopId, AUDIO_LEG_MS)) return true;
  if (!spied) return false;
  const playbackId = `snoop-release-${randomUUID()}`;
  const played = await c.channels.play({ channelId: spied, media: SILENT_FRAME, playbackId }).then(
    () => true,
    () => false, // the spied leg is gone: its end takes the snoop with it
  );
  try {
    return await goneWithin(c, snoopId, NUDGED_MS);
  } finally {
    if (played) await c.playbacks.stop({ playbackId }).catch(() => undefined); // over already: fine
  }
}
