// zod schemas for sim-pbx's own APIs (trunk, endpoints, faults): external input is checked here and a
// bad request changes nothing.
import { z } from 'zod';

export const endpointKey = z
  .string()
  .regex(/^PJSIP\/[A-Za-z0-9._+-]+$/, 'must look like PJSIP/<name>, e.g. PJSIP/arm-12');

export const injectCallSchema = z
  .object({
    line: z.string().regex(/^[0-9A-Za-z*#+-]{1,32}$/, 'must be a dialled number such as "15"'),
    /** Stasis arguments after the line, as the dialplan passes them (e.g. "queue=n2-mg"). */
    stasisArgs: z
      .array(z.string().regex(/^[A-Za-z0-9=._-]{0,64}$/, 'must look like "key=value"'))
      .max(8)
      .optional(),
    callerNumber: z.string().max(64).optional(),
    callerName: z.string().max(128).optional(),
    withheld: z.boolean().optional(),
    patienceSec: z.number().positive().max(86_400).optional(),
    /** The patience applies to each wait (./wait-patience.ts), not only until the first answer. */
    patiencePerWait: z.boolean().optional(),
    endpoint: z
      .string()
      .regex(/^[A-Za-z]+\/[A-Za-z0-9._+@-]+$/, 'must look like PJSIP/<trunk>')
      .optional(),
    context: z.string().min(1).max(80).optional(),
    priority: z.number().int().positive().optional(),
    app: z.string().min(1).max(80).optional(),
    referHangupMs: z.number().min(0).max(3_600_000).optional(),
  })
  .strict()
  .refine((v) => !(v.withheld && (v.callerNumber || v.callerName)), {
    message: 'a withheld caller id cannot also carry callerNumber or callerName',
  })
  .refine((v) => !(v.patiencePerWait && v.patienceSec === undefined), {
    message: 'patiencePerWait needs patienceSec',
  });

const compiles = (re: string): boolean => {
  try {
    new RegExp(re);
    return true;
  } catch {
    return false;
  }
};

export const faultsSchema = z
  .object({
    dropAriWebSocket: z.boolean().optional(),
    ariOutageMs: z.number().min(0).max(3_600_000).optional(),
    eventDelayMs: z.number().min(0).max(60_000).optional(),
    failNextOriginate: z.boolean().optional(),
    stallAriWebSockets: z.number().int().min(0).max(1000).optional(),
    stallAriRequests: z
      .object({
        count: z.number().int().min(0).max(1000),
        method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).optional(),
        path: z.string().min(1).max(200).refine(compiles, { message: 'not a regular expression' }).optional(),
        url: z.string().min(1).max(200).refine(compiles, { message: 'not a regular expression' }).optional(),
        carryOut: z.boolean().optional(),
        then: z.enum(['hang', 'reset']).optional(),
        slowMs: z.number().int().min(1).max(60_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const channelId = z.string().min(1).max(64);

export const endpointMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('register'),
      endpoint: endpointKey,
      context: z.string().min(1).max(80).optional(),
      autoRing: z.boolean().optional(),
      autoAnswerMs: z.number().min(0).max(3_600_000).optional(),
    })
    .strict(),
  z.object({ type: z.literal('unregister'), endpoint: endpointKey }).strict(),
  z.object({ type: z.literal('ringing'), endpoint: endpointKey, channelId }).strict(),
  z.object({ type: z.literal('answer'), endpoint: endpointKey, channelId }).strict(),
  z
    .object({
      type: z.literal('reject'),
      endpoint: endpointKey,
      channelId,
      code: z.number().int().min(400).max(699).optional(),
    })
    .strict(),
  z.object({ type: z.literal('hangup'), endpoint: endpointKey, channelId }).strict(),
]);

export type EndpointMessage = z.infer<typeof endpointMessageSchema>;

/** One line per problem: `patienceSec: Too small: expected number to be >0`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`).join('; ');
}

/**
 * Reads a phone's messages on the endpoint side (sim-pbx and sim-fs alike): each valid one goes to
 * `handle`; bad JSON, an invalid message or a handler that throws is answered with an error
 * message, never a crash and never a change.
 */
export function onEndpointMessages(
  ws: { on(event: 'message', listener: (data: unknown) => void): unknown },
  send: (msg: Record<string, unknown>) => void,
  handle: (msg: EndpointMessage) => void,
): void {
  ws.on('message', (data) => {
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      send({ type: 'error', message: 'message is not JSON' });
      return;
    }
    const parsed = endpointMessageSchema.safeParse(raw);
    if (!parsed.success) {
      send({ type: 'error', message: describeIssues(parsed.error) });
      return;
    }
    const msg = parsed.data;
    try {
      handle(msg);
    } catch (err) {
      send({ type: 'error', request: msg.type, message: (err as Error).message });
    }
  });
}
