// The caller's identity in the engine's events: what must not outlive the operational retention
// (docs/store.md). The long-lived history (the archive behind the monthly exports) keeps events
// without it. A present field is replaced by a marker rather than removed, so that "a number was
// given" stays distinguishable from "the number was withheld".
import type { Event } from './events.js';

export const REDACTED = '[redacted]';

const mask = (v: string | null): string | null => (v === null ? null : REDACTED);

/** A copy of the event without caller number, caller name, DRM name and phone, dialled number. */
export function withoutPersonalData(e: Event): Event {
  switch (e.type) {
    case 'CallArrived':
      return { ...e, callerNumber: mask(e.callerNumber), callerName: mask(e.callerName) };
    case 'CallQualified':
      return { ...e, name: REDACTED, phone: REDACTED };
    case 'CallbackTaskCreated':
      return { ...e, callerNumber: mask(e.callerNumber), name: REDACTED };
    case 'OutboundCallPlaced':
      return { ...e, number: REDACTED };
    default:
      return e;
  }
}
