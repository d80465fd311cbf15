// Supervisor listen-in on FreeSWITCH, for the engine's `listenIn` / `stopListening` effects
// (src/core/rules/listen-in.ts; docs/supervision.md), the counterpart of ../ari/listen-in.ts. The
// supervisor's phone is called as an agent leg is (a 3pcc FreeSWITCH endpoint and a createUAC); once
// it answers, that endpoint runs mod_dptools' `eavesdrop` on the agent's FreeSWITCH channel:
// - listen: `eavesdrop <agent uuid>`: the supervisor hears the agent and what the agent hears;
// - whisper: the same with `eavesdrop_whisper_bleg=true` (ED_MUX_WRITE): the supervisor's voice is
//   mixed into what FreeSWITCH sends to the agent's phone only, never into what the caller hears;
// - barge: `three_way <agent uuid>` (ED_MUX_READ | ED_MUX_WRITE): the agent and the caller (or the
//   conference) hear the supervisor.
// `eavesdrop_enable_dtmf=false`: the supervisor's keys cannot switch the mix (1, 2, 3 would turn a
// listen into a barge that the audit log does not show). The eavesdrop ends by itself when the
// agent's channel goes (the engine ends the listen-in with the leg). The supervisor's phone hanging
// up or never answering is reported as `stopListening`; the engine's `stopListening` hangs it up and
// destroys its endpoint. Semantics read in FreeSWITCH 1.10.12's source (mod_dptools.c
// eavesdrop_function, switch_ivr_async.c switch_ivr_eavesdrop_session).
import type { Command } from '../../core/commands.js';
import type { Effect } from '../../core/effects.js';
import type { Logger } from '../../ports/logger.js';
import { DIALOG_VAR, LEG_HEADERS } from './adoption.js';
import type { Leg } from './call-state.js';
import type { FsEndpoint, FsMediaServer, Srf, SrfDialog, SrfRequest } from './libs.js';
import { bye, destroyQuietly } from './sip-dialogs.js';

type ListenIn = Extract<Effect, { type: 'listenIn' }>;

type Session = {
  callId: string;
  supervisorId: string;
  agentId: string;
  mode: ListenIn['mode'];
  ep: FsEndpoint | null;
  dialog: SrfDialog | null;
  uacReq: SrfRequest | null;
  /** FreeSWITCH being told the phone's SDP: the endpoint is destroyed only after it. */
  modifying: Promise<unknown> | null;
  stopped: boolean;
};

export type FsListenInHost = {
  srf: () => Srf | null;
  ms: () => FsMediaServer | null;
  /** The agent's answered leg on the call, if any. */
  agentLeg: (callId: string, agentId: string) => Leg | undefined;
  /** SIP URI of a phone (the supervisor is an agent of the site). */
  phoneUri: (agentId: string) => string;
  report: (cmd: Command) => void;
  logger: Logger;
};

const keyOf = (callId: string, supervisorId: string) => `${callId}|${supervisorId}`;

const cancelQuietly = (req: SrfRequest): void => {
  try {
    req.cancel({}, () => undefined);
  } catch {
    // already answered or gone
  }
};

export class FsListenIn {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly host: FsListenInHost) {}

  /** Listen-ins in progress (tests, hygiene). */
  get size(): number {
    return this.sessions.size;
  }

  /** Calls the supervisor's phone and, once it answers, eavesdrops on the agent's leg. Never throws. */
  async start(f: ListenIn): Promise<void> {
    const key = keyOf(f.callId, f.supervisorId);
    if (this.sessions.has(key)) return;
    const s: Session = {
      callId: f.callId,
      supervisorId: f.supervisorId,
      agentId: f.agentId,
      mode: f.mode,
      ep: null,
      dialog: null,
      uacReq: null,
      modifying: null,
      stopped: false,
    };
    this.sessions.set(key, s);
    try {
      await this.connect(s, f.autoAnswer);
    } catch (err) {
      this.host.logger.warn({ callId: f.callId, err: (err as Error)?.message }, 'listen-in not set up');
      this.end(s, 'unreachable');
    }
  }

  has(callId: string, supervisorId: string): boolean {
    return this.sessions.has(keyOf(callId, supervisorId));
  }

  /**
   * A listen-in another process set up (take-over, adoption.ts): its eavesdrop goes on on FreeSWITCH;
   * this process ends it (stop) or hears its phone hang up. False when one is held already.
   */
  adopt(
    l: { callId: string; supervisorId: string; agentId: string; mode: ListenIn['mode'] },
    ep: FsEndpoint,
    dialog: SrfDialog,
  ): boolean {
    const key = keyOf(l.callId, l.supervisorId);
    if (this.sessions.has(key)) return false;
    const s: Session = { ...l, ep, dialog, uacReq: null, modifying: null, stopped: false };
    this.sessions.set(key, s);
    dialog.on('destroy', () => {
      s.dialog = null;
      this.end(s, 'supervisor-hung-up');
    });
    return true;
  }

  /** The engine's stopListening: hangs up the supervisor's phone; a gone one is a no-op. */
  async stop(callId: string, supervisorId: string): Promise<void> {
    const s = this.sessions.get(keyOf(callId, supervisorId));
    if (!s) return;
    this.sessions.delete(keyOf(callId, supervisorId));
    await this.teardown(s);
  }

  private async connect(s: Session, autoAnswer: boolean): Promise<void> {
    const ms = this.host.ms();
    const srf = this.host.srf();
    if (!ms || !srf) throw new Error('telephony not connected');
    const ep = await ms.createEndpoint({
      headers: {
        [LEG_HEADERS.call]: s.callId,
        [LEG_HEADERS.leg]: 'listen',
        [LEG_HEADERS.agent]: s.supervisorId,
      },
    });
    s.ep = ep;
    if (s.stopped) return this.teardown(s);
    let dialog: SrfDialog;
    try {
      dialog = await srf.createUAC(
        this.host.phoneUri(s.supervisorId),
        {
          localSdp: ep.local.sdp,
          headers: {
            From: '"Ecoute SAS" <sip:15@localhost>',
            ...(autoAnswer ? { 'Call-Info': '<sip:localhost>;answer-after=0' } : {}),
          },
        },
        {
          cbRequest: (_err, req) => {
            s.uacReq = req;
            if (s.stopped) cancelQuietly(req);
          },
        },
      );
    } catch (err) {
      if (s.stopped) return; // cancelled by stop(): nothing to report
      throw err;
    }
    s.dialog = dialog;
    void ep.api('uuid_setvar', [ep.uuid, DIALOG_VAR, encodeURIComponent(dialog.id)]).catch(() => {});
    let hungUp = false;
    dialog.on('destroy', () => {
      s.dialog = null;
      if (s.modifying) hungUp = true;
      else this.end(s, 'supervisor-hung-up');
    });
    if (s.stopped) return this.teardown(s);
    s.modifying = ep.modify(dialog.remote.sdp);
    await s.modifying.finally(() => (s.modifying = null));
    if (hungUp) return this.end(s, 'supervisor-hung-up');
    if (s.stopped) return;
    const target = this.host.agentLeg(s.callId, s.agentId)?.ep;
    if (!target) throw new Error(`no FreeSWITCH channel for ${s.agentId} on ${s.callId}`);
    if (s.mode === 'barge') {
      void ep.execute('three_way', target.uuid).catch(() => {});
      return;
    }
    await ep.execute('set', 'eavesdrop_enable_dtmf=false');
    if (s.mode === 'whisper') await ep.execute('set', 'eavesdrop_whisper_bleg=true');
    if (s.stopped) return;
    void ep.execute('eavesdrop', target.uuid).catch(() => {});
  }

  /** The listen-in ended on the PBX side: reported once, everything it made removed. */
  private end(s: Session, reason: 'supervisor-hung-up' | 'unreachable'): void {
    const key = keyOf(s.callId, s.supervisorId);
    if (this.sessions.get(key) !== s) return; // stopped by the engine, or ended already
    this.sessions.delete(key);
    void this.teardown(s);
    this.host.report({ type: 'stopListening', callId: s.callId, supervisorId: s.supervisorId, reason });
  }

  private async teardown(s: Session): Promise<void> {
    s.stopped = true;
    const { dialog, uacReq } = s;
    s.dialog = null;
    s.uacReq = null;
    if (dialog) await bye(this.host.srf(), dialog);
    else if (uacReq) cancelQuietly(uacReq);
    // Destroying an endpoint under ep.modify would leave its re-INVITE unanswered.
    if (s.modifying) await s.modifying.catch(() => {});
    const ep = s.ep;
    s.ep = null;
    if (!ep) return;
    // An eavesdropping channel runs no queued application (fsmrf's destroy sends `hangup` as one, which
    // waits until the eavesdrop ends: seen on a real FreeSWITCH 1.10.12): killed at once as well.
    await destroyQuietly(ep, this.host.ms());
  }
}
