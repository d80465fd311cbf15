// Log redaction: by field name, and by value — phone numbers inside free text (messages, error
// texts, nested strings, interpolation arguments) are masked, ids and epoch times are not.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactPhones } from '../../src/ports/logger.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  });
  return { logger, lines };
}

const NUMBERS = [
  '06 12 34 56 78',
  '06.12.34.56.78',
  '0612345678',
  '+33 6 12 34 56 78',
  '+33612345678',
  '0033612345678',
  '33612345678',
  '+44 20 7946 0958',
];

describe('log redaction', () => {
  it('masks phone numbers in free text wherever they appear', () => {
    const { logger, lines } = capture();
    for (const n of NUMBERS) {
      logger.warn(
        { reason: `rappeler le ${n} demain`, nested: { note: [`tel ${n}`] } },
        `appel du ${n} perdu`,
      );
      logger.info('caller %s hung up', n);
      logger.error({ err: new Error(`dial ${n} failed`) }, 'dial failed');
    }
    const out = lines.join('');
    for (const n of NUMBERS) expect(out, n).not.toContain(n);
    expect(out).toContain('[phone]');
    expect(out).toContain('"type":"Error"');
  });

  it('still redacts by field name, and leaves ids, times and counts readable', () => {
    const { logger, lines } = capture();
    logger.info(
      { callerNumber: '0240000000', at: 1772442000000, callId: 'c-1772442000000-12', n: 42 },
      'call c-17 at 1772442000000',
    );
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line.callerNumber).toBe('[redacted]');
    expect(line.at).toBe(1772442000000);
    expect(line.callId).toBe('c-1772442000000-12');
    expect(line.msg).toBe('call c-17 at 1772442000000');
    expect(redactPhones('file 2026-03-02 line 15 queue n1, agent arm-12')).toBe(
      'file 2026-03-02 line 15 queue n1, agent arm-12',
    );
  });
});
