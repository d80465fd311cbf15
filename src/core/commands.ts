// Commands: what the outside asks of the engine, in the imperative. Telephony, the API, the
// supervisor and timers all speak to the engine through these, with the time passed beside them.
import type { SiteConfig } from './config.js';
import type { Mode, OutboundPurpose, Qualification, Skill, TransferMode } from './model.js';
import type { FileSource, OfferFailure } from './events.js';
import type { ListenEndReason, ListenMode } from './listen-in.js';
import type { ConsultationCompletion } from './consultation.js';

export type Command =
  // From telephony
  | {
      type: 'arriveCall';
      callId: string;
      line: string;
      callerNumber?: string | null;
      callerName?: string | null;
      department?: string;
      originSite?: string;
      /** A direct entry asked for by the line (e.g. the fire brigade choosing N2 MG). */
      queue?: string;
      /**
       * Telephony already holds the caller: a `queue` the line may not enter directly is replaced
       * by the line's entry queue instead of refusing the call (which would leave it unanswered).
       */
      orEntryQueue?: boolean;
    }
  | { type: 'callerHungUp'; callId: string }
  | {
      /**
       * A partner SAS did not take a caller the engine sent it (`redirectToPartner` refused: a REFER
       * answered with an error): telephony still holds the caller, who comes back under a new `callId`
       * (rules/redirect-failed.ts).
       */
      type: 'redirectFailed';
      callId: string;
      redirectedCallId: string;
      partnerId: string;
      line: string;
      callerNumber?: string | null;
      callerName?: string | null;
      /** The queue it was sent from (`redirectToPartner.queueId`), if any. */
      queue?: string | null;
    }
  | { type: 'answerOffer'; callId: string; agentId: string }
  | {
      type: 'offerFailed';
      callId: string;
      agentId: string;
      reason: Extract<OfferFailure, 'no-answer' | 'busy' | 'unreachable' | 'rejected'>;
    }
  | { type: 'acceptCallback'; callId: string }
  /**
   * An answered agent leg vanished without the ACD hanging it up (phone crash, network loss):
   * never the end of the call, which goes on with the others or back to its queue.
   */
  | { type: 'agentLegLost'; callId: string; agentId: string }
  /**
   * A call the dialplan fallback's N1 group answered while the ACD was away (the PBX's record,
   * read when the ACD is back): counted once, as answered, labelled fallback (rules/fallback.ts).
   */
  | {
      type: 'recordFallbackAbandon';
      /** The caller's channel id: the id the call would have had in the ACD. */
      callId: string;
      line: string;
      /** Epoch ms, by the PBX's clock: the arrival, and the caller's hang-up in the fallback. */
      arrivedAt: number;
      abandonedAt: number;
      originSite?: string;
    }
  /**
   * A caller who arrived and hung up while the link that heard them no longer led the site (its
   * events read after its lease lapsed, another process leading meanwhile): one arrival and one
   * abandon of the ACD, recorded without distributing it, once per call id (rules/fallback.ts).
   */
  | {
      type: 'recordMissedAbandon';
      /** The caller's channel id: the id the call would have had in the ACD. */
      callId: string;
      line: string;
      /** Epoch ms, by the PBX's clock: the arrival and the caller's hang-up. */
      arrivedAt: number;
      abandonedAt: number;
      department?: string;
      originSite?: string;
    }
  | {
      type: 'recordFallbackCall';
      /** The caller's channel id: the id the call would have had in the ACD. */
      callId: string;
      line: string;
      /** Epoch ms, by the PBX's clock. */
      arrivedAt: number;
      answeredAt: number;
      /** The endpoint that answered, e.g. arm-1. */
      phone?: string | null;
      /** From the dialplan's origin=<partner> option. */
      originSite?: string;
    }
  // From an agent's panel
  | {
      type: 'qualifyCall';
      callId: string;
      agentId: string;
      qualification: Qualification;
      name?: string;
      phone?: string;
      /** Who wrote it: the agent's panel (default) or the regulation software (LRM). */
      source?: FileSource;
    }
  | { type: 'transferCall'; callId: string; agentId: string; to?: string; mode?: TransferMode }
  /** From an N2 step to the other branch's N2 queue (MG → AMU, AMU → MG), the caller kept. */
  | { type: 'reorientCall'; callId: string; agentId: string; to: 'amu' | 'mg'; mode?: TransferMode }
  | { type: 'bringInDoctor'; callId: string; agentId: string }
  | { type: 'hangUp'; callId: string; agentId: string; disposition?: string }
  | {
      type: 'dialOut';
      callId: string;
      agentId: string;
      number: string;
      purpose: OutboundPurpose;
      parentCallId?: string;
      taskId?: string;
      /**
       * Outside transfer in one command (with parentCallId): the agent stays with the caller while
       * the number rings, and leaves once it answers; a number that fails leaves them together.
       */
      handOver?: boolean;
      /**
       * Consultative outside transfer (with parentCallId, not with handOver): the caller waits on
       * music while the agent talks to the number; then completeConsultation or cancelConsultation.
       */
      consult?: boolean;
    }
  /** The consulting agent hands the caller over to the number (transfer) or joins all three. */
  | { type: 'completeConsultation'; callId: string; agentId: string; mode?: ConsultationCompletion }
  /** The consulting agent ends the outside leg and takes the caller back. */
  | { type: 'cancelConsultation'; callId: string; agentId: string }
  /**
   * The agent takes back a blind outside transfer still ringing (dialOut with handOver): only the
   * number's leg is hung up, the caller stays with the agent as after a ring timeout.
   */
  | { type: 'cancelOutsideTransfer'; callId: string; agentId: string }
  /** From telephony: an outbound call's far end answered (an outside transfer's agent then leaves). */
  | { type: 'outsideAnswered'; callId: string }
  /** The call's file (DRM) in the regulation software, created there or from the panel (rules/file-link.ts). */
  | { type: 'linkFile'; callId: string; fileId: string; source: FileSource; agentId?: string }
  | { type: 'claimCallback'; taskId: string; agentId: string }
  | { type: 'completeCallback'; taskId: string; agentId: string; outcome: string }
  | { type: 'agentLogin'; agentId: string }
  | { type: 'agentLogout'; agentId: string; by?: 'agent' | 'supervisor' }
  | { type: 'agentReady'; agentId: string }
  | { type: 'agentPause'; agentId: string; reason: string }
  // From a supervisor
  | { type: 'moveAgent'; agentId: string; skills: Skill[] }
  | { type: 'setMode'; mode: Mode | null; until?: number }
  | { type: 'switchLine'; line: string; partnerId: string; share?: number; from?: number; until?: number }
  | { type: 'restoreLine'; line: string }
  | { type: 'redirectCall'; callId: string; partnerId: string }
  /** Listen to a live call through an agent's leg (default: its first agent), whisper, or barge in. */
  | { type: 'startListening'; callId: string; supervisorId: string; mode: ListenMode; agentId?: string }
  /** The supervisor stops (default), or telephony reports its phone gone or the PBX unable. */
  | {
      type: 'stopListening';
      callId: string;
      supervisorId: string;
      reason?: Extract<ListenEndReason, 'stopped' | 'supervisor-hung-up' | 'unreachable' | 'unsupported'>;
    }
  /** `by`: who acknowledges (the supervisor's user name, kept for the record); `byName`: the
   *  person's name, shown on every console. */
  | { type: 'acknowledgeAlarm'; alarmId: string; by: string; byName?: string }
  | { type: 'replaceConfig'; config: SiteConfig }
  // From the shell's timer
  | { type: 'timerFired' };

export type CommandType = Command['type'];
