// Reads an exported event file: JSON lines, one engine event per line (blank lines skipped). A
// line that is not an event stops the read with its number, so a report never silently skips data.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Event } from '../core/events.js';

export class EventFileError extends Error {}

export async function* readEventFile(path: string): AsyncGenerator<Event> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch (err) {
      throw new EventFileError(`${path}:${n}: not JSON (${(err as Error).message})`);
    }
    const ev = e as Partial<Event> | null;
    if (typeof ev !== 'object' || ev === null || typeof ev.type !== 'string' || typeof ev.at !== 'number')
      throw new EventFileError(
        `${path}:${n}: not an engine event (needs a string "type" and a numeric "at")`,
      );
    yield ev as Event;
  }
}
