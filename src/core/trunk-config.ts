// Trunk capacity per line (annex 2 condition 5, infrastructure supervision): how many channels the
// operator's trunk gives each line (a line group: one number, its channels). The engine does not
// read it: the PBX refuses a call beyond it (docs/trunks.md), the ACD shows the occupancy and the
// calls refused before distribution against it. In the site configuration so that it is validated,
// versioned and replaced with the rest of the site.
import { z } from 'zod';

export const trunksSchema = z.record(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a line id'),
  z.strictObject({
    /** Simultaneous calls the trunk carries for this line. */
    channels: z.number().int().min(1).max(10_000),
  }),
);

export type TrunksConfig = z.infer<typeof trunksSchema>;

/** A trunk for a line the site does not have is a mistake: named, like every bad reference. */
export function checkTrunkLines(c: { trunks?: TrunksConfig | undefined; lines: { id: string }[] }): string[] {
  const lines = new Set(c.lines.map((l) => l.id));
  return Object.keys(c.trunks ?? {})
    .filter((line) => !lines.has(line))
    .map((line) => `trunks.${line}: unknown line "${line}"`);
}
