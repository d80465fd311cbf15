// How a simulated agent plays a call: given the step it was connected in and the call's trace row,
// how long it talks and which commands it sends when its part is over. Pure (no clock, no I/O), and
// the only place this is written: the live bot agents (simulator/load/agent-bot.ts) and the digital
// twin (simulator/twin/simulate.ts) both play the room with it, so the twin stands for the room.
// Queue ids come from the site's configuration, never from a fixed list.
import type { Command } from '../../src/core/commands.js';
import type { SiteConfig } from '../../src/core/config.js';
import type { CallConnected } from '../../src/core/events.js';
import type { Call } from '../../src/core/model.js';
import type { TraceCall } from '../traffic/trace.js';

/** What an agent is doing on a call: its part ends after `talkSeconds`. */
export type AgentStep = 'n1' | 'kept' | 'n2' | 'regulation' | 'conference' | 'booking';

/** What to send when a step's talk is over, and possibly a next step for the same agent. */
export type ScriptTurn = { commands: Command[]; then?: { step: AgentStep; afterSeconds: number } };

export function stepOnConnect(e: Pick<CallConnected, 'kind' | 'stage'>): AgentStep {
  if (e.kind === 'conference') return 'conference';
  return e.stage;
}

export function talkSeconds(row: TraceCall, step: AgentStep): number {
  switch (step) {
    case 'n1':
      return row.n1TalkS;
    case 'kept':
    case 'n2':
      return row.n2TalkS ?? 0;
    case 'booking':
      return row.bookingTalkS ?? 0;
    case 'regulation':
    case 'conference':
      return row.regulationTalkS ?? 0;
  }
}

/** Where the site sends a call for its doctor step and its booking, from its configuration. */
export function siteTargets(config: SiteConfig) {
  const has = (id: string) => config.queues.some((q) => q.id === id);
  const first = (stage: string, branch: string) =>
    config.queues.find((q) => q.stage === stage && q.branch === branch)?.id ?? null;
  const disposition = (id: string) => (config.dispositions.includes(id) ? id : undefined);
  return {
    doctorAmu: has(config.routing.doctorQueue) ? config.routing.doctorQueue : null,
    /** The first MG regulation queue in the configuration's order. */
    doctorMg: first('regulation', 'mg'),
    booking: first('booking', 'mg'),
    p0DoctorAtOnce: config.routing.p0Doctor === 'at-once',
    advice: disposition('conseil-medical'),
    dispatch: disposition('envoi-moyens'),
    consultation: disposition('consultation'),
  };
}

type Targets = ReturnType<typeof siteTargets>;

// Not a closure made per call: tsx (the CLI's loader) names every function it creates with a call
// to `__name`, which showed in the twin's profile.
function hangUp(callId: string, agentId: string, disposition?: string): Command {
  return disposition !== undefined
    ? { type: 'hangUp', callId, agentId, disposition }
    : { type: 'hangUp', callId, agentId };
}

/** The commands of `agentId` when its talk in `step` is over. */
export function afterTalk(
  targets: Targets,
  call: Pick<Call, 'id' | 'mode'>,
  row: TraceCall,
  step: AgentStep,
  agentId: string,
): ScriptTurn {
  const callId = call.id;
  const mg = row.qualification === 'P2';
  switch (step) {
    case 'n1': {
      const q = row.qualification;
      const qualify: Command = {
        type: 'qualifyCall',
        callId,
        agentId,
        qualification: q,
        name: row.caller || 'Inconnu',
      };
      if (q === 'DR') return { commands: [qualify, hangUp(callId, agentId)] };
      if (q === 'P0') {
        // The ARM keeps a P0 and brings the emergency doctor in; it ends the call once the doctor is done.
        if (row.regulationTalkS === null || targets.doctorAmu === null)
          return { commands: [qualify, hangUp(callId, agentId, targets.dispatch)] };
        return {
          commands: targets.p0DoctorAtOnce
            ? [qualify]
            : [qualify, { type: 'bringInDoctor', callId, agentId }],
        };
      }
      // One level: the N1 ARM keeps the call and does the N2 part too.
      if (call.mode === 'one-level')
        return { commands: [qualify], then: { step: 'kept', afterSeconds: row.n2TalkS ?? 0 } };
      return { commands: [qualify, { type: 'transferCall', callId, agentId }] };
    }
    case 'kept':
    case 'n2': {
      const doctor = mg ? targets.doctorMg : targets.doctorAmu;
      if (row.regulationTalkS !== null && doctor !== null)
        return { commands: [{ type: 'transferCall', callId, agentId, to: doctor }] };
      return { commands: [hangUp(callId, agentId, mg ? targets.advice : targets.dispatch)] };
    }
    case 'regulation':
      if (mg && row.bookingTalkS !== null && targets.booking !== null)
        return { commands: [{ type: 'transferCall', callId, agentId, to: targets.booking }] };
      return { commands: [hangUp(callId, agentId, mg ? targets.advice : targets.dispatch)] };
    case 'conference':
      return { commands: [hangUp(callId, agentId)] };
    case 'booking':
      return { commands: [hangUp(callId, agentId, targets.consultation)] };
  }
}

/**
 * What an agent still on the call does when another party has left: the ARM who kept a P0 ends the
 * call once the doctor is done (alone again, nobody on the way).
 */
export function afterPartyLeft(
  targets: Targets,
  call: Pick<Call, 'id' | 'qualification' | 'parties' | 'pending'>,
  agentId: string,
): Command[] {
  if (call.qualification !== 'P0' || call.pending) return [];
  if (call.parties.length !== 1 || call.parties[0]!.agentId !== agentId) return [];
  return [
    {
      type: 'hangUp',
      callId: call.id,
      agentId,
      ...(targets.dispatch ? { disposition: targets.dispatch } : {}),
    },
  ];
}
