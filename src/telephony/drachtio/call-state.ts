// What the drachtio adapter holds of each call, shared with the take-over (adoption.ts).
import type { FsEndpoint, SrfDialog, SrfRequest, SrfResponse } from './libs.js';

export type Caller = {
  callId: string;
  /** The INVITE and its response; null for a caller adopted from another process (answered). */
  req: SrfRequest | null;
  res: SrfResponse | null;
  line: string;
  number: string | null;
  name: string | null;
  answering: Promise<void> | null;
  ep: FsEndpoint | null;
  dialog: SrfDialog | null;
  /** Agents whose leg shares media with the caller (bridge or conference). */
  with: Set<string>;
  conference: string | null;
  /** The queue music it hears while waiting (played again after the callback prompt). */
  music: string | null;
  gone: boolean;
  ours: boolean;
  /** Its first answer was joined with it before being told (./answer-on-join.ts): later ones are told at once. */
  joined?: boolean;
  /**
   * That first answer while the engine has not acted on it yet (./answer-on-join.ts, holdsFirstAnswer):
   * a hold decided before the engine heard of it never takes the caller out of it.
   */
  firstAnswer?: { agentId: string; bridging: boolean } | null;
};

export type Leg = {
  callId: string;
  agentId: string;
  ep: FsEndpoint | null;
  uacReq: SrfRequest | null;
  dialog: SrfDialog | null;
  answered: boolean;
  connectWanted: { conference: boolean } | null;
  /** We ended it (cancel, release, hang-up): its end is not news. */
  ours: boolean;
  timedOut: boolean;
  timer: NodeJS.Timeout | null;
  /** The FreeSWITCH endpoint's update to the answered phone's SDP, while it is under way. */
  updating?: Promise<unknown> | null;
  /** The agent's own leg of a click-to-dial: bridged with the far end; its end ends that call. */
  dialOut?: boolean;
};

/** An outside call (callback): its FreeSWITCH endpoint and the called party's dialog. */
export type OutboundCall = {
  ep: FsEndpoint | null;
  dialog: SrfDialog | null;
  /** The agent who placed it (click-to-dial: its phone is bridged with the far end once both answered). */
  agentId?: string;
  /** The call it joins (a number dialled from a call: the far end joins that call's conference). */
  parentCallId?: string | null;
  answered?: boolean;
  bridged?: boolean;
  /** Its INVITE while it rings (CANCELled when the call is released before the answer). */
  uacReq?: SrfRequest | null;
};

/** The conference of a call (named after it, so a process taking over finds it too). */
export const conferenceOf = (callId: string) => `acd-${callId.replace(/[^A-Za-z0-9-]/g, '')}`.slice(0, 60);
