// The legs of another process (fail-over, restart), driven by this one: its drachtio dialogs by id,
// its FreeSWITCH channels over the inbound event socket (the fsmrf Endpoints went with it). Used by
// the take-over in adoption.ts.
import type { FsEndpoint, FsMediaServer, Srf, SrfDialog, SrfRequest, SrfResponse } from './libs.js';

/** Sends an in-dialog request by drachtio dialog id (the old process's dialogs). */
async function byId(srf: Srf, dialogId: string, method: string, headers?: Record<string, string>) {
  return srf.request({
    uri: 'sip:placeholder',
    method,
    stackDialogId: dialogId,
    ...(headers ? { headers } : {}),
  });
}

type Listener = (...args: never[]) => void;

/**
 * A dialog of the old process, driven by its id. Its BYE or NOTIFY reaches this process through
 * `AdoptedDialogs` (drachtio-srf knows nothing of it).
 */
export class AdoptedDialog {
  connected = true;
  readonly remote = { sdp: '' };
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    private readonly srf: Srf,
    readonly id: string,
    private readonly registry: AdoptedDialogs,
  ) {
    registry.add(this);
  }

  on(event: string, fn: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }

  async destroy(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    this.registry.remove(this.id);
    await byId(this.srf, this.id, 'BYE');
  }

  async request(opts: { method: string; headers?: Record<string, string> }): Promise<{ status: number }> {
    await byId(this.srf, this.id, opts.method, opts.headers);
    return { status: 200 };
  }

  /** The far end hung up (its BYE reached us). */
  ended(): void {
    if (!this.connected) return;
    this.connected = false;
    this.registry.remove(this.id);
    this.emit('destroy');
  }
}

/** The adopted dialogs by id, and the drachtio-srf middleware that hands them their requests. */
export class AdoptedDialogs {
  private readonly byIdMap = new Map<string, AdoptedDialog>();

  add(d: AdoptedDialog): void {
    this.byIdMap.set(d.id, d);
  }

  remove(id: string): void {
    this.byIdMap.delete(id);
  }

  /** srf.use(): after drachtio-srf's own dialogs, before anything else. */
  middleware = (
    req: SrfRequest & { stackDialogId?: string; method?: string },
    res: SrfResponse,
    next: () => void,
  ) => {
    const id = req.stackDialogId;
    if (!id) return next();
    const d = this.byIdMap.get(id);
    if (req.method === 'BYE') {
      // Answered even for a dialog nobody holds any more (an old FreeSWITCH leg hung up).
      res.send(200);
      d?.ended();
      return;
    }
    if (!d) return next();
    if (req.method === 'NOTIFY') {
      d.emit('notify', req, res);
      return;
    }
    res.send(200);
  };
}

/**
 * A FreeSWITCH channel of the old process, driven over the inbound event socket: what the adapter
 * does with an fsmrf Endpoint, in uuid_* commands.
 */
export class AdoptedEndpoint implements FsEndpoint {
  readonly local = { sdp: '' };
  readonly conf: { memberId?: number; name?: string } = {};
  readonly dialog: SrfDialog | null = null;

  constructor(
    private readonly ms: FsMediaServer,
    private readonly srf: Srf,
    readonly uuid: string,
    private readonly mediaDialogId: string,
  ) {}

  private async run(command: string): Promise<string> {
    const out = await this.ms.api(command);
    if (/^-ERR/.test(out)) throw new Error(`${command.split(' ')[0]}: ${out.trim()}`);
    return out;
  }

  /** Whatever the channel is in (bridge, conference, music) ends; the file plays. */
  async play(file: string): Promise<unknown> {
    return this.run(`uuid_transfer ${this.uuid} playback:${file} inline`);
  }

  async api(command: string, args: string | string[]): Promise<{ body?: string }> {
    return { body: await this.ms.api(`${command} ${Array.isArray(args) ? args.join(' ') : args}`) };
  }

  async execute(app: string, arg = ''): Promise<unknown> {
    return this.run(`uuid_transfer ${this.uuid} ${app}${arg ? `:${arg}` : ''} inline`);
  }

  async bridge(other: FsEndpoint): Promise<void> {
    await this.run(`uuid_bridge ${this.uuid} ${other.uuid}`);
  }

  async unbridge(): Promise<void> {
    await this.run(`uuid_transfer ${this.uuid} -both park inline`);
  }

  async modify(): Promise<unknown> {
    return undefined;
  }

  async join(conf: string): Promise<{ memberId: number; confUuid: string }> {
    await this.run(`uuid_transfer ${this.uuid} conference:${conf} inline`);
    return { memberId: 0, confUuid: '' };
  }

  /** BYE on drachtio's dialog with FreeSWITCH (FreeSWITCH answers and hangs up); uuid_kill if gone. */
  async destroy(): Promise<void> {
    try {
      await byId(this.srf, this.mediaDialogId, 'BYE');
    } catch {
      await this.ms.api(`uuid_kill ${this.uuid}`).catch(() => undefined);
    }
  }

  on(): void {
    // No event socket of its own: no DTMF, and its end is seen on its dialogs.
  }
}
