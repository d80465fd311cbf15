// The site's QS 30 s target: the share of calls answered within the threshold the supervisor's
// console compares each QS figure with (colour and text). No source document sets one, so the
// default is an illustrative 90 %; a site sets its own with `qsTarget` (docs/config.md).
import { z } from 'zod';

/** Illustrative: no source document fixes a QS 30 s target. */
export const DEFAULT_QS_TARGET = 0.9;

const SHARE = 'a share above 0 and at most 1 (0.9 for 90 %)';
export const qsTargetSchema = z.number({ error: SHARE }).gt(0, SHARE).max(1, `${SHARE}, not a percentage`);

/** The target the screens use: the site's, or the illustrative default. */
export const qsTargetOf = (c: { qsTarget?: number | undefined }): number => c.qsTarget ?? DEFAULT_QS_TARGET;
