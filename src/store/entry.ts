// Turning one raw event-stream entry back into an event, for recovery and tails alike. Anything
// that is not a well-formed event the caller knows is an error naming the entry: nothing is skipped.
import { CorruptEntryError } from './errors.js';
import type { StoreEvent } from './reducer.js';

/** An entry as ioredis returns it from XRANGE / XREAD: [id, [field, value, field, value…]]. */
export type RawEntry = [id: string, fields: string[] | null];

export type IsKnownEvent<E extends StoreEvent> = (event: StoreEvent) => event is E;

export function decodeEntry<E extends StoreEvent>(
  stream: string,
  [id, fields]: RawEntry,
  isKnownEvent: IsKnownEvent<E>,
): E {
  const fail = (reason: string): never => {
    throw new CorruptEntryError(stream, id, reason);
  };
  if (!fields) return fail('entry has no fields (deleted?)');
  let text: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'event') text = fields[i + 1];
  }
  if (text === undefined) return fail('no "event" field');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return fail(`"event" is not JSON (${(error as Error).message})`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return fail('event is not an object');
  const type = (event as { type?: unknown }).type;
  if (typeof type !== 'string' || type === '') return fail('event has no string "type"');
  if (!isKnownEvent(event as StoreEvent)) return fail(`unknown event type ${JSON.stringify(type)}`);
  return event as E;
}
