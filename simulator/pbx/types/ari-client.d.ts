// Minimal types for the parts of ari-client 2.2.0 that sim-pbx's tests use (the package has none).
declare module 'ari-client' {
  import type { EventEmitter } from 'node:events';

  export interface AriParty {
    name: string;
    number: string;
  }

  export interface AriChannel {
    id: string;
    name: string;
    state: string;
    caller: AriParty;
    connected: AriParty;
    dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
    answer(): Promise<void>;
    hangup(params?: { reason?: string }): Promise<void>;
    ring(): Promise<void>;
    startMoh(params?: { mohClass?: string }): Promise<void>;
    stopMoh(): Promise<void>;
    getChannelVar(params: { variable: string }): Promise<{ value: string }>;
    setChannelVar(params: { variable: string; value: string }): Promise<void>;
  }

  export interface AriBridge {
    id: string;
    name: string;
    bridge_type: string;
    technology: string;
    channels: string[];
    create(params: { type: string; name?: string }): Promise<AriBridge>;
    addChannel(params: { channel: string }): Promise<void>;
    removeChannel(params: { channel: string }): Promise<void>;
    startMoh(params?: { mohClass?: string }): Promise<void>;
    stopMoh(): Promise<void>;
    play(params: { media: string }): Promise<AriPlayback>;
    destroy(): Promise<void>;
  }

  export interface AriPlayback {
    id: string;
    state: string;
    media_uri: string;
    target_uri: string;
  }

  export interface AriEvent {
    type: string;
    timestamp: string;
    application: string;
    args?: string[];
    cause?: number;
    cause_txt?: string;
    soft?: boolean;
    dialstatus?: string;
    channel?: AriChannel;
    bridge?: AriBridge;
    peer?: AriChannel;
    [key: string]: unknown;
  }

  export interface AriClient extends EventEmitter {
    Bridge(): AriBridge;
    Channel(): AriChannel;
    start(apps: string | string[]): Promise<void>;
    stop(): void;
    channels: {
      list(): Promise<AriChannel[]>;
      get(params: { channelId: string }): Promise<AriChannel>;
      originate(params: Record<string, unknown>): Promise<AriChannel>;
      hangup(params: { channelId: string; reason?: string }): Promise<void>;
      answer(params: { channelId: string }): Promise<void>;
      snoopChannel(params: {
        channelId: string;
        app: string;
        appArgs?: string;
        spy?: string;
        whisper?: string;
        snoopId?: string;
      }): Promise<AriChannel>;
    };
    bridges: {
      list(): Promise<AriBridge[]>;
      get(params: { bridgeId: string }): Promise<AriBridge>;
      create(params: { type: string; name?: string }): Promise<AriBridge>;
      addChannel(params: { bridgeId: string; channel: string }): Promise<void>;
      startMoh(params: { bridgeId: string; mohClass?: string }): Promise<void>;
      stopMoh(params: { bridgeId: string }): Promise<void>;
      destroy(params: { bridgeId: string }): Promise<void>;
    };
    applications: {
      list(): Promise<{ name: string; channel_ids: string[]; bridge_ids: string[] }[]>;
    };
    playbacks: { get(params: { playbackId: string }): Promise<AriPlayback> };
  }

  export function connect(url: string, user: string, pass: string): Promise<AriClient>;
  const ari: { connect: typeof connect };
  export default ari;
}
