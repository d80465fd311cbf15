// The part of ari-client's resource API that the adapter uses, typed (the package ships no types).
// ari-client builds these methods at connect time from the api-docs the PBX serves.
import type { EventEmitter } from 'node:events';

export type AriChannelJson = {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  dialplan?: { context: string; exten: string; app_name?: string; app_data?: string };
};

export type AriBridgeJson = { id: string; name: string; bridge_type: string; channels: string[] };

export type AriEventJson = {
  type: string;
  timestamp?: string;
  args?: string[];
  cause?: number;
  digit?: string;
  dialstatus?: string;
  channel?: AriChannelJson;
  peer?: AriChannelJson;
  bridge?: AriBridgeJson;
};

export interface AriRest extends EventEmitter {
  start(apps: string | string[]): Promise<void>;
  stop(): void;
  channels: {
    list(): Promise<AriChannelJson[]>;
    get(p: { channelId: string }): Promise<AriChannelJson>;
    answer(p: { channelId: string }): Promise<void>;
    hangup(p: { channelId: string; reason?: string }): Promise<void>;
    originate(p: {
      endpoint: string;
      app: string;
      appArgs: string;
      callerId?: string;
      timeout?: number;
      channelId?: string;
      variables?: Record<string, string>;
    }): Promise<AriChannelJson>;
    continueInDialplan(p: {
      channelId: string;
      context: string;
      extension: string;
      priority: number;
    }): Promise<void>;
    play(p: { channelId: string; media: string; playbackId?: string }): Promise<unknown>;
    snoopChannel(p: {
      channelId: string;
      app: string;
      appArgs?: string;
      spy?: 'none' | 'both' | 'out' | 'in';
      whisper?: 'none' | 'both' | 'out' | 'in';
      snoopId?: string;
    }): Promise<AriChannelJson>;
  };
  bridges: {
    list(): Promise<AriBridgeJson[]>;
    create(p: { type: string; name: string }): Promise<AriBridgeJson>;
    addChannel(p: { bridgeId: string; channel: string }): Promise<void>;
    startMoh(p: { bridgeId: string; mohClass: string }): Promise<void>;
    stopMoh(p: { bridgeId: string }): Promise<void>;
    destroy(p: { bridgeId: string }): Promise<void>;
    record(p: {
      bridgeId: string;
      name: string;
      format: string;
      ifExists?: string;
      beep?: boolean;
    }): Promise<unknown>;
  };
  recordings: {
    stop(p: { recordingName: string }): Promise<void>;
  };
  playbacks: {
    stop(p: { playbackId: string }): Promise<void>;
  };
}

/** ARI timestamps look like "2026-11-23T07:40:05.572+0000"; Date.parse wants "+00:00". */
export function ariTime(stamp: string | undefined, fallback: number): number {
  if (!stamp) return fallback;
  const t = Date.parse(stamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isFinite(t) ? t : fallback;
}
