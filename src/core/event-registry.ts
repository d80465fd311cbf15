// Every event type the engine emits, and how its state travels in a snapshot. Both belong to the
// engine: a store or an archive only needs to recognise the engine's events and encode its state.
import type { SiteConfig } from './config.js';
import type { Event, EventType } from './events.js';
import { evolve } from './evolve.js';
import { buildIndexes, initialState, type SiteData, type State } from './state.js';

/** A Record so that a new event type fails to compile until it is listed here. */
const EVENT_TYPES: Record<EventType, true> = {
  CallArrived: true,
  CallQueued: true,
  CallOffered: true,
  CallOfferFailed: true,
  CallConnected: true,
  CallTierReached: true,
  CallThresholdPassed: true,
  CallQualified: true,
  FileLinked: true,
  CallKept: true,
  CallTransferred: true,
  AgentLeftCall: true,
  CallEnded: true,
  CallRedirected: true,
  FallbackCallCounted: true,
  FallbackCallAbandoned: true,
  MissedCallAbandoned: true,
  OutboundCallPlaced: true,
  OutsideTransferCancelled: true,
  CallbackOffered: true,
  CallbackTaskCreated: true,
  CallbackTaskClaimed: true,
  CallbackTaskCompleted: true,
  AgentLoggedIn: true,
  AgentLoggedOut: true,
  AgentBecameAvailable: true,
  AgentPaused: true,
  AgentWrapUpStarted: true,
  AgentSkillsChanged: true,
  ModeChanged: true,
  ModeOverrideSet: true,
  PeriodChanged: true,
  LineSwitched: true,
  LineRestored: true,
  AlarmRaised: true,
  AlarmCleared: true,
  AlarmAcknowledged: true,
  ConfigReplaced: true,
  ListenStarted: true,
  ListenEnded: true,
  ConsultationAnswered: true,
  ConsultationCompleted: true,
  ConsultationEnded: true,
  ConsultationKept: true,
};

/** Whether a stored entry is one of the engine's events (anything else stops a replay). */
export function isEngineEvent(event: { type: string }): event is Event {
  return Object.hasOwn(EVENT_TYPES, event.type);
}

/** The engine as a reducer for a store; `config` is the state of a site whose stream is empty. */
export function engineReducer(config: SiteConfig) {
  return {
    initial: (): State => initialState(config),
    evolve: (state: State, event: Event): void => void evolve(state, event),
  };
}

/** A snapshot holds only the canonical `state.data`; the indexes (deadline heap…) are rebuilt. */
export const engineCodec = {
  encode: (state: State): string => JSON.stringify(state.data),
  decode: (text: string): State => {
    const data = JSON.parse(text) as SiteData;
    return { data, idx: buildIndexes(data) };
  },
};
