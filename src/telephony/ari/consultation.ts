// A consultative outside transfer on Asterisk (docs/lrm.md; the engine's side is
// src/core/consultation.ts). The caller never leaves its call's mixing bridge (so its recording
// goes on, and a take-over finds it where it always is): music is played to that bridge while the
// agent's leg moves to the outbound call's own mixing bridge (`call-<outCallId>`, found by name at a
// take-over like any call's bridge, recorded as the outbound call's recording), where the number
// joins when it answers. Complete moves the number into the caller's bridge; conference moves the
// number and the agent; resume moves the agent back; each stops the music and drops the consult
// bridge. Every step tolerates a channel or bridge already gone (the other side hung up meanwhile).
import type { Effect } from '../../core/effects.js';
import type { Logger } from '../../ports/logger.js';
import type { AriRest } from './ari-rest.js';

type ConsultationEffect = Extract<Effect, { type: 'consultation' }>;

/** What the adapter lends to this module (its bridges and legs). */
export type ConsultationHost = {
  logger: Logger;
  /** The call's mixing bridge id, if one exists (or is being made). */
  mixing: (callId: string) => Promise<string> | undefined;
  /** Makes (once) and returns the mixing bridge of a call, named `call-<callId>`. */
  ensureMixing: (c: AriRest, callId: string) => Promise<string>;
  /** Stops the call's recording and destroys its mixing bridge. */
  dropMixing: (c: AriRest, callId: string) => Promise<void>;
  /** The channel of the agent's answered leg on this call, or null. */
  legChannel: (callId: string, agentId: string) => string | null;
  /** The agent's leg on `from` now belongs to the outbound call `to` (its end: the agent hangs up). */
  moveLeg: (from: string, to: string, agentId: string) => void;
  /** The outbound call no longer joins `parent` when it answers (it has its own bridge). */
  forgetParent: (outCallId: string) => void;
};

export class AriConsultations {
  /** The caller's call id → its running consultation. */
  private readonly running = new Map<string, { outCallId: string; agentId: string }>();

  constructor(private readonly host: ConsultationHost) {}

  /** Whether this outbound call is a consultation's (its far end joins its own bridge). */
  isConsultation(outCallId: string): boolean {
    for (const r of this.running.values()) if (r.outCallId === outCallId) return true;
    return false;
  }

  /** Known again at a take-over (from the engine's plan): nothing is moved. */
  adopt(callId: string, outCallId: string, agentId: string): void {
    this.running.set(callId, { outCallId, agentId });
  }

  /** The dial-out starts: music for the caller, the agent's leg to the consult bridge. */
  async start(c: AriRest, callId: string, outCallId: string, agentId: string, music: string): Promise<void> {
    this.running.set(callId, { outCallId, agentId });
    const consultBridge = await this.host.ensureMixing(c, outCallId);
    const callBridge = this.host.mixing(callId);
    if (callBridge)
      await c.bridges
        .startMoh({ bridgeId: await callBridge, mohClass: music })
        .catch((err: Error) =>
          this.host.logger.warn({ callId, err: err?.message }, 'hold music not started'),
        );
    const leg = this.host.legChannel(callId, agentId);
    if (leg) await c.bridges.addChannel({ bridgeId: consultBridge, channel: leg });
  }

  async step(c: AriRest, f: ConsultationEffect): Promise<void> {
    this.running.delete(f.callId);
    if (f.action === 'keep') {
      // The caller is gone: the agent and the number go on in the consult bridge, as a click-to-dial.
      this.host.moveLeg(f.callId, f.outCallId, f.agentId);
      this.host.forgetParent(f.outCallId);
      return;
    }
    const callBridge = this.host.mixing(f.callId);
    const bridgeId = callBridge ? await callBridge.catch(() => null) : null;
    const join: string[] = [];
    if (f.action === 'complete' || f.action === 'conference') join.push(f.outCallId);
    if (f.action === 'conference' || f.action === 'resume') {
      const leg = this.host.legChannel(f.callId, f.agentId);
      if (leg) join.push(leg);
    }
    if (bridgeId) {
      for (const channel of join)
        await c.bridges.addChannel({ bridgeId, channel }).catch((err: Error) => {
          this.host.logger.warn(
            { callId: f.callId, channel, err: err?.message },
            'consultation: not rejoined',
          );
        });
      await c.bridges.stopMoh({ bridgeId }).catch(() => undefined); // not playing, or gone: nothing to stop
    }
    await this.host.dropMixing(c, f.outCallId);
  }
}
