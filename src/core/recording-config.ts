// The site's call recording switch (issue 25): off unless the site turns it on. The engine does not
// read it (recording is telephony's business, docs/recording.md); it lives in the site
// configuration so that it is validated, versioned and replaced with the rest of the site.
import { z } from 'zod';

/** Formats both Asterisk (ARI `format`) and sim-pbx accept for a call recording. */
export const RECORDING_FORMATS = ['wav', 'wav16', 'gsm', 'ulaw', 'alaw'] as const;

export const recordingSchema = z.strictObject({
  /** Record every call whole, from its first answer to its end. */
  enabled: z.boolean().default(false),
  format: z.enum(RECORDING_FORMATS).default('wav'),
});

export type RecordingConfig = z.infer<typeof recordingSchema>;

/** Whether the site records its calls (absent: no). */
export const recordsCalls = (c: { recording?: RecordingConfig | undefined }): boolean =>
  c.recording?.enabled === true;
