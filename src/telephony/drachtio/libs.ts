// The parts of drachtio-srf 5 and drachtio-fsmrf 4 this adapter uses, typed narrowly (fsmrf ships
// no types; srf's are wider than we need). Both are CommonJS, loaded with createRequire.
import { createRequire } from 'node:module';

export interface SrfRequest {
  get(name: string): string | undefined;
  readonly uri: string;
  readonly body: string;
  readonly callingNumber?: string;
  readonly callingName?: string;
  on(event: 'cancel', fn: () => void): void;
  cancel(opts?: Record<string, never>, callback?: (err?: unknown) => void): void;
}
export interface SrfResponse {
  send(status: number, opts?: { headers?: Record<string, string> }): void;
}
export interface SrfDialog {
  readonly id: string;
  readonly remote: { sdp: string };
  readonly connected: boolean;
  on(event: 'destroy', fn: () => void): void;
  on(event: 'notify', fn: (req: SrfRequest, res: SrfResponse) => void): void;
  removeListener(event: 'notify', fn: (req: SrfRequest, res: SrfResponse) => void): void;
  destroy(): Promise<void>;
  request(opts: {
    method: string;
    headers?: Record<string, string>;
    body?: string;
  }): Promise<{ status: number }>;
}
export interface SrfError extends Error {
  status?: number;
}
export interface Srf {
  connect(opts: { host: string; port: number; secret: string }): void;
  disconnect(): void;
  on(event: 'connect', fn: (err: unknown, hostport: string) => void): void;
  on(event: 'error' | 'close', fn: (err?: unknown) => void): void;
  on(event: 'reconnecting', fn: () => void): void;
  once(event: 'connect', fn: () => void): void;
  invite(fn: (req: SrfRequest, res: SrfResponse) => void): void;
  use(fn: (req: SrfRequest, res: SrfResponse, next: () => void) => void): void;
  createUAS(req: SrfRequest, res: SrfResponse, opts: { localSdp: string }): Promise<SrfDialog>;
  createUAC(
    uri: string,
    opts: { localSdp?: string; headers?: Record<string, string>; callingNumber?: string },
    progress?: {
      cbRequest?: (err: unknown, req: SrfRequest) => void;
      cbProvisional?: (res: { status: number }) => void;
    },
  ): Promise<SrfDialog>;
  request(opts: {
    uri: string;
    method: string;
    stackDialogId: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

export interface FsEndpoint {
  readonly uuid: string;
  readonly local: { sdp: string };
  readonly conf: { memberId?: number; name?: string };
  readonly dialog: SrfDialog | null;
  play(file: string): Promise<unknown>;
  api(command: string, args: string | string[]): Promise<{ body?: string; getBody?: () => string }>;
  execute(app: string, arg?: string): Promise<unknown>;
  bridge(other: FsEndpoint): Promise<void>;
  unbridge(): Promise<void>;
  modify(sdp: string): Promise<unknown>;
  join(conf: string): Promise<{ memberId: number; confUuid: string }>;
  destroy(): Promise<void>;
  on(event: 'dtmf', fn: (e: { dtmf: string }) => void): void;
  on(event: 'destroy', fn: () => void): void;
}
/** An event as modesl gives it (the inbound connection's RECORD_STOP). */
export interface EslEvent {
  getHeader(name: string): string | undefined;
}
export interface FsMediaServer {
  /** fsmrf's inbound event-socket connection (modesl). */
  readonly conn: {
    subscribe(events: string[]): void;
    on(event: string, fn: (e: EslEvent) => void): void;
  };
  connectCaller(req: SrfRequest, res: SrfResponse): Promise<{ endpoint: FsEndpoint; dialog: SrfDialog }>;
  createEndpoint(opts?: { remoteSdp?: string; headers?: Record<string, string> }): Promise<FsEndpoint>;
  api(command: string): Promise<string>;
  disconnect(): void;
  on(event: 'end' | 'error', fn: (err?: unknown) => void): void;
}
export interface Mrf {
  connect(opts: {
    address: string;
    port: number;
    secret: string;
    listenAddress?: string;
    listenPort?: number;
    advertisedAddress?: string;
  }): Promise<FsMediaServer>;
}

const require = createRequire(import.meta.url);
export const SrfCtor = require('drachtio-srf') as new () => Srf;
export const MrfCtor = require('drachtio-fsmrf') as new (srf: Srf) => Mrf;

// drachtio-fsmrf 4.1 gives up on an endpoint whose FreeSWITCH event socket has not called back
// within 4 s and calls `dialog.destroy()` with neither a callback nor a catch (lib/mediaserver.js,
// timeoutFn). When the drachtio connection is gone by then (the adapter stopped, drachtio dropped),
// that promise rejects (ESOCKETDESTROYED) with nobody listening, and on Node 20 an unhandled
// rejection ends the process: a slow FreeSWITCH plus a dropped drachtio link would take the ACD
// down (seen in CI at load 20: 36 of them after the FreeSWITCH bench stopped). So the promise every
// destroy() returns is marked handled here; a caller that awaits it still sees the rejection.
type DialogClass = { prototype: { destroy(...args: unknown[]): unknown } & { [guarded]?: true } };
const guarded = Symbol.for('sas-acd.drachtio-destroy-guard');
export const SrfDialogCtor = require('drachtio-srf/lib/dialog') as DialogClass;
if (!SrfDialogCtor.prototype[guarded]) {
  const destroy = SrfDialogCtor.prototype.destroy;
  SrfDialogCtor.prototype.destroy = function (this: unknown, ...args: unknown[]): unknown {
    const r = destroy.apply(this, args);
    if (r instanceof Promise) r.catch(() => undefined);
    return r;
  };
  SrfDialogCtor.prototype[guarded] = true;
}
