// Effects: what the outside (telephony) must do after a command, in the domain's words.
import type { ListenMode } from './listen-in.js';
import type { OutboundPurpose } from './model.js';

export type Effect =
  /** Hold the caller in queue Q with its music or announcement (moves it out of any agent bridge). */
  | { type: 'holdCaller'; callId: string; queueId: string; music: string }
  /** Ring the agent's endpoint for this call; an auto-answer phone picks up by itself. */
  | { type: 'ringAgent'; callId: string; agentId: string; autoAnswer: boolean; timeoutSeconds: number | null }
  | { type: 'cancelRing'; callId: string; agentId: string }
  /** Bridge the answered agent with the caller; conference = keep the agents already there. */
  | { type: 'connectAgent'; callId: string; agentId: string; conference: boolean }
  /**
   * Hang up the agent's leg only: the caller is never cut by a transfer. Emitted whenever an agent
   * leaves a call, whoever ended its part (the caller too: a PBX does not hang up the other party).
   */
  | { type: 'releaseAgent'; callId: string; agentId: string }
  /** Hang up the caller's leg (or a dial-out's) and whatever of the call is still up. */
  | { type: 'hangUp'; callId: string; reason: 'normal' | 'callback-accepted' }
  | {
      type: 'redirectToPartner';
      callId: string;
      partnerId: string;
      destination: string;
      /** The queue the call leaves (absent for a line switch): where it comes back if refused. */
      queueId?: string;
    }
  | { type: 'offerCallback'; callId: string }
  | {
      type: 'dialOut';
      callId: string;
      agentId: string;
      number: string;
      purpose: OutboundPurpose;
      parentCallId: string | null;
      /** A consultation (../consultation.ts): the caller on hold, the agent with the number alone. */
      consult?: true;
      /** With consult: the music the caller hears meanwhile (its queue's). */
      music?: string;
    }
  /**
   * A consultation's next step (../consultation.ts; `callId` the caller's call, `outCallId` the
   * number's): complete = the number joins the caller, music stops (the agent's releaseAgent
   * follows); conference = the number and the agent join the caller; resume = the agent back with
   * the caller, music stops (the number is hung up by its hangUp); drop = the consult bridge and
   * the music go, the agent is not coming back; keep = the caller hung up, the agent's leg now
   * belongs to the outbound call (its releaseAgent for the caller's call must not cut it).
   */
  | {
      type: 'consultation';
      callId: string;
      outCallId: string;
      agentId: string;
      action: 'complete' | 'conference' | 'resume' | 'drop' | 'keep';
    }
  /**
   * Call the supervisor's phone and let it hear the agent's leg (listen), also speak to the agent
   * alone (whisper), or join the call (barge). Ends with the `stopListening` of that supervisor.
   */
  | {
      type: 'listenIn';
      callId: string;
      supervisorId: string;
      agentId: string;
      mode: ListenMode;
      autoAnswer: boolean;
    }
  /** Hang up the supervisor's phone and whatever the listen-in used (a release of a gone one is a no-op). */
  | { type: 'stopListening'; callId: string; supervisorId: string };
