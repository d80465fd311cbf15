// The PBX's state (channels, bridges, playbacks) and the JSON shapes ARI gives them.
import { asteriskTime } from './clock.js';

export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up';

export interface Party {
  name: string;
  number: string;
}

export interface Dialplan {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

/** inbound: a trunk caller that entered Stasis from the dialplan; originated: POST /channels;
 *  local2: the ;2 half of a Local channel pair; snoop: POST /channels/{id}/snoop. */
export type ChannelKind = 'inbound' | 'originated' | 'local2' | 'snoop';
/** ARI snoop directions: in = what the channel's party says, out = what it hears. */
export const SNOOP_DIRECTIONS = ['none', 'both', 'out', 'in'] as const;
export type SnoopDirection = (typeof SNOOP_DIRECTIONS)[number];

export interface Channel {
  id: string;
  name: string;
  tech: string;
  resource: string;
  kind: ChannelKind;
  state: ChannelState;
  protocolId: string;
  caller: Party;
  connected: Party;
  dialplan: Dialplan;
  /** The dialplan of an originated leg outside Stasis (AppDial2), restored after StasisEnd. */
  homeDialplan: Dialplan;
  createdAt: number;
  /** The Stasis application whose events this channel feeds (null once unsubscribed). */
  app: string | null;
  inStasis: boolean;
  stasisArgs: string[];
  bridgeId: string | null;
  vars: Map<string, string>;
  answered: boolean;
  /** Set for trunk callers: the ground-truth call this channel is. */
  callId: string | null;
  /** Originated legs: the endpoint key (PJSIP/arm-1) that rings. */
  endpoint: string | null;
  /** Local channel pairs point at each other. */
  partnerId: string | null;
  /** A snoop channel's target. */
  snoopOf: string | null;
  /** A snoop channel hung up, waiting for an audio frame on its target to be gone (pbx.ts). */
  detaching?: boolean;
  /** A snoop channel's directions (spy: what it hears of its target; whisper: where it speaks). */
  snoopDirections?: { spy: SnoopDirection; whisper: SnoopDirection };
  /** A dialplan leg (continue to a partner context) bridged outside the app. */
  dialplanPeerId: string | null;
  /** Asterisk's hangupcause, once set: leaving a bridge (move, remove, continue) sets 16, as
   *  bridge_channel.c does; a far-end BYE then reports it in ChannelHangupRequest. */
  hangupCause: number | null;
  timers: Set<{ cancel(): void }>;
}

export interface Bridge {
  id: string;
  name: string;
  bridgeType: 'holding' | 'mixing';
  technology: string;
  channels: string[];
  /** Channel ids in the order they joined (Asterisk lists bridge peers newest first). */
  joined: string[];
  createdAt: number;
  moh: string | null;
  /** Internal Announcer/ARI_MOH;2 channel id while music plays (not an ARI channel). */
  announcerId: string | null;
  /** The app hears BridgeDestroyed only once one of its channels ended (not moved) while inside. */
  watched: boolean;
  app: string;
  queuedPlaybacks: string[];
}

export type PlaybackState = 'queued' | 'playing' | 'done' | 'failed';

export interface Playback {
  id: string;
  mediaUri: string;
  targetUri: string;
  language: string;
  state: PlaybackState;
  app: string;
  timer: { cancel(): void } | null;
}

export function channelJson(c: Channel): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    state: c.state,
    protocol_id: c.protocolId,
    caller: { ...c.caller },
    connected: { ...c.connected },
    accountcode: '',
    dialplan: { ...c.dialplan },
    creationtime: asteriskTime(c.createdAt),
    language: 'en',
  };
}

export function bridgeJson(b: Bridge, channels: string[] = b.channels): Record<string, unknown> {
  return {
    id: b.id,
    technology: b.technology,
    bridge_type: b.bridgeType,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: b.name,
    channels: [...channels],
    creationtime: asteriskTime(b.createdAt),
    video_mode: 'talker',
  };
}

export function playbackJson(p: Playback): Record<string, unknown> {
  return {
    id: p.id,
    media_uri: p.mediaUri,
    target_uri: p.targetUri,
    language: p.language,
    state: p.state,
  };
}

/** Bridge technology after a membership change: the event just sent showed the previous one. */
export function technologyFor(b: Bridge): string {
  if (b.bridgeType === 'holding') return 'holding_bridge';
  if (b.channels.length <= 1) return 'simple_bridge';
  if (b.channels.length === 2) return 'native_rtp';
  return 'softmix';
}
