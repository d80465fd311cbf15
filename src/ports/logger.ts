// Structured JSON logs (pino) with the caller's personal data redacted wherever it appears: by
// field name (callerNumber, phone…), and by value — a phone number inside free text (a message,
// an error text, a reason) is masked too, since field names alone miss "call from 06 12 34 56 78".
import { pino, type Logger } from 'pino';

export const REDACTED_FIELDS = ['callerNumber', 'callerName', 'name', 'phone', 'number', 'caller'];

/**
 * French numbers (06 12 34 56 78, 06.12.34.56.78, 0612345678), international ones (+33 6 12 34 56
 * 78, 0033…, +44 20 7946 0958) and bare E.164 French ones (33612345678). Not any digit run: ids
 * and epoch times stay readable.
 */
const PHONE =
  /(?<![\w+])(?:(?:\+|00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\d(?:[ .-]?\d){5,13}|0[1-9](?:[ .-]?\d{2}){4}|33[1-9]\d{8})(?![\w])/g;

export const PHONE_CENSOR = '[phone]';

export function redactPhones(text: string): string {
  return text.replace(PHONE, PHONE_CENSOR);
}

/** A copy of `value` with phone numbers masked in every string (objects copied only if changed). */
function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactPhones(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    // A copy (the caller's error is left alone) that pino's error serializer still recognises.
    const copy = new Error(redactPhones(value.message));
    copy.name = value.name;
    copy.stack = redactPhones(value.stack ?? '');
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
  return out;
}

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths, censor: '[redacted]' },
      formatters: { log: (object) => redactValue(object) as Record<string, unknown> },
      hooks: {
        // The message and its interpolation arguments (objects go through formatters.log).
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? redactPhones(a) : a));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
