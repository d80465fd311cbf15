// What the panel's and the LRM's click-to-dial routes share: the number as typed, and the answer.
import { z } from 'zod';
import { callViewSchema, eventSummarySchema } from '../../read-models/views.js';

/** A number as a person types it; sent to the PBX without its separators. */
export const dialNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 .()-]{1,29}$/, 'expected a phone number (digits, spaces, + . ( ) -)')
  .transform((n) => n.replace(/[ .()-]/g, ''))
  .describe('the number to call');

export const outboundCallSchema = z.object({
  callRef: z.string(),
  call: callViewSchema.nullable().describe('the outbound call (null once it has ended)'),
  events: z.array(eventSummarySchema),
});
