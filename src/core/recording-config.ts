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
  /** Days a recording is kept, unless its call is under legal hold (default below). */
  retentionDays: z.number().int().min(1).max(3650).optional(),
});

/** Illustrative default, to be set with the site's data-protection officer (docs/recording.md). */
export const DEFAULT_RECORDING_RETENTION_DAYS = 90;

export const recordingRetentionDays = (c: { recording?: RecordingConfig | undefined }): number =>
  c.recording?.retentionDays ?? DEFAULT_RECORDING_RETENTION_DAYS;

export type RecordingConfig = z.infer<typeof recordingSchema>;

/** Whether the site records its calls (absent: no). */
export const recordsCalls = (c: { recording?: RecordingConfig | undefined }): boolean =>
  c.recording?.enabled === true;
