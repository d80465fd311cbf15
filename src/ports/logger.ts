// Structured JSON logs (pino) with the caller's personal data redacted wherever it appears.
import { pino, type Logger } from 'pino';

export const REDACTED_FIELDS = ['callerNumber', 'callerName', 'name', 'phone', 'number', 'caller'];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  return pino(
    { level: options.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths, censor: '[redacted]' } },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
