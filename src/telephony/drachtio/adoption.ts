// What a new process can find of the calls another one was handling (fail-over, restart), as far as
// drachtio-server and FreeSWITCH allow (../shared/freeswitch-1.10, app-disconnect): FreeSWITCH keeps
// the channels and lists them (`show channels as json`, `uuid_dump <uuid> json`); drachtio keeps
// the dialogs, which a new app cannot list but may drive by id. So each FreeSWITCH leg the adapter
// creates carries what the next process needs, as X- headers of its INVITE (FreeSWITCH keeps them as
// `sip_h_X-…` channel variables) and, once known, the far end's dialog id (`sas_acd_dialog`):
// which call, which kind of leg, which agent, the caller's dialog. An adopted leg has no fsmrf
// Endpoint (its event socket went with the old process): it is driven through the inbound event
// socket (uuid_transfer, uuid_bridge) and BYE by dialog id.
import type { Command } from '../../core/commands.js';
import type { Effect } from '../../core/effects.js';
import type { CallPlan } from '../../core/telephony-plan.js';
import { conferenceOf, type Caller, type Leg, type OutboundCall } from './call-state.js';
import type { FsMediaServer, Srf, SrfDialog } from './libs.js';
import { AdoptedDialog, AdoptedEndpoint, type AdoptedDialogs } from './adopted-legs.js';
import { alive, bye, destroyQuietly } from './sip-dialogs.js';
import { RECORDING_VAR, type FsCallRecorder } from './call-recording.js';
import type { DialogWatch } from './dialog-watch.js';
import { UAC_DIALOG_VAR } from './late-answer.js';
import type { FsListenIn } from './listen-in.js';

export const LEG_HEADERS = {
  call: 'X-Sas-Acd-Call',
  leg: 'X-Sas-Acd-Leg',
  agent: 'X-Sas-Acd-Agent',
  dialog: 'X-Sas-Acd-Dialog',
  line: 'X-Sas-Acd-Line',
  number: 'X-Sas-Acd-Number',
  name: 'X-Sas-Acd-Name',
} as const;
/** Channel variable holding the far end's dialog id once it answered (agents, outside calls). */
export const DIALOG_VAR = 'sas_acd_dialog';

export type FoundLeg = {
  uuid: string;
  callId: string;
  /** listen: a supervisor's phone eavesdropping (agentId: the supervisor; ./listen-in.ts). */
  kind: 'caller' | 'agent' | 'outbound' | 'listen';
  agentId: string | null;
  /** The far end's drachtio dialog (caller, agent's phone, outside number), when it answered. */
  dialogId: string | null;
  /** drachtio's dialog with FreeSWITCH for this channel (BYE it to hang the channel up). */
  mediaDialogId: string;
  line: string;
  number: string | null;
  name: string | null;
  /** The call's live recording on this channel (`<format>:<path>`, call-recording.ts). */
  recording: string | null;
  /** The channel it is uuid_bridged with now (FreeSWITCH's `bridge_to`, gone once unbridged). */
  bridgedTo: string | null;
  /** An outside call's INVITE: the dialog its answer makes (./late-answer.ts). */
  uacDialogId: string | null;
};

const decode = (v: string | undefined): string | null => {
  if (!v) return null;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

/** Every FreeSWITCH channel an ACD adapter created, with what it carries. */
export async function findLegs(ms: FsMediaServer): Promise<FoundLeg[]> {
  const listed = JSON.parse((await ms.api('show channels as json')) || '{}') as {
    rows?: { uuid: string }[];
  };
  const found: FoundLeg[] = [];
  for (const row of listed.rows ?? []) {
    let vars: Record<string, string>;
    try {
      vars = JSON.parse(await ms.api(`uuid_dump ${row.uuid} json`)) as Record<string, string>;
    } catch {
      continue; // gone meanwhile
    }
    const v = (name: string) => decode(vars[`variable_sip_h_${name}`]);
    const callId = v(LEG_HEADERS.call);
    const kind = v(LEG_HEADERS.leg);
    if (!callId || (kind !== 'caller' && kind !== 'agent' && kind !== 'outbound' && kind !== 'listen'))
      continue; // not ours
    found.push({
      uuid: row.uuid,
      callId,
      kind,
      agentId: v(LEG_HEADERS.agent),
      dialogId: kind === 'caller' ? v(LEG_HEADERS.dialog) : decode(vars[`variable_${DIALOG_VAR}`]),
      mediaDialogId: `${vars.variable_sip_call_id};from-tag=${vars.variable_sip_from_tag}`,
      line: v(LEG_HEADERS.line) ?? '',
      number: v(LEG_HEADERS.number),
      name: v(LEG_HEADERS.name),
      recording: vars[`variable_${RECORDING_VAR}`] ?? null,
      bridgedTo: vars.variable_bridge_to || null,
      uacDialogId: decode(vars[`variable_${UAC_DIALOG_VAR}`]),
    });
  }
  return found;
}

/** What a take-over found and did (counts), as the ARI adapter reports it. */
export type DrachtioAdoptionReport = {
  callers: number;
  legs: number;
  /** Callers the engine never heard of (their arrival died with the old process), reported now. */
  arrived: number;
  /** Calls of the engine whose caller is gone (hung up while no process held drachtio), reported. */
  gone: number;
  rung: number;
  held: number;
  /** FreeSWITCH legs for nothing the engine knows (or an agent phone that rang at the crash), ended. */
  strays: number;
  /** Callers of calls the engine had already ended: hung up now, never a second arrival. */
  ended: number;
  /**
   * Phones that had answered the pending offer before the engine was told (the old process died in
   * between): kept, bridged with their caller if they were not yet, and told now (answerOffer).
   */
  answers: number;
};

/** The adapter as the take-over sees it: its connections, its calls and how it reports and ends them. */
export type TakeOverHost = {
  srf: Srf | null;
  ms: FsMediaServer | null;
  callers: Map<string, Caller>;
  /** Agent legs by "callId|agentId". */
  legs: Map<string, Leg>;
  outbound: Map<string, OutboundCall>;
  adopted: AdoptedDialogs;
  recorder: FsCallRecorder | null;
  /** The dialogs of an old drachtio connection, whose BYE never reaches this one (dialog-watch.ts). */
  watch: DialogWatch;
  /** An outside number that was still ringing: hung up if it answers the old INVITE after all. */
  lateAnswer: (dialogId: string) => void;
  listenIn: FsListenIn;
  now: () => number;
  /** Reports to the engine at a given time (the take-over's reports share one). */
  sink: (cmd: Command, at: number) => void;
  callerGone: (caller: Caller) => void;
  agentHungUp: (leg: Leg) => void;
  /** A first answer: bridged with its caller, then told (./answer-on-join.ts). */
  joinThenAnswer: (leg: Leg) => Promise<void>;
  execute: (effect: Effect) => Promise<void>;
  /** A consultation under way, known again (./consultation.ts): the caller's call, the outbound one, the agent. */
  adoptConsultation: (callId: string, outCallId: string, agentId: string) => void;
};

/**
 * After drachtio-srf reconnects (drachtio keeps the dialogs, FreeSWITCH the channels): each caller
 * and agent leg whose dialog drachtio forgot meanwhile (its BYE got a 481 while no app was there)
 * hung up: reported once, and its FreeSWITCH endpoint destroyed. The others stay bound to the old
 * connection in drachtio (their BYEs will be answered 481 and never reach us): they are watched.
 */
export async function readoptCalls(host: TakeOverHost): Promise<{ callersGone: number; legsGone: number }> {
  let callersGone = 0;
  let legsGone = 0;
  for (const caller of [...host.callers.values()]) {
    if (!caller.dialog) continue;
    await alive(host.srf, caller.ep?.dialog);
    if (await alive(host.srf, caller.dialog)) {
      const d = caller.dialog;
      host.watch.watch(d.id, () => {
        if (caller.dialog === d) caller.dialog = null; // forgotten by drachtio: no BYE to send
        host.callerGone(caller);
      });
      continue;
    }
    callersGone += 1;
    caller.dialog = null;
    host.callerGone(caller);
  }
  for (const leg of [...host.legs.values()]) {
    if (!leg.dialog) continue;
    await alive(host.srf, leg.ep?.dialog);
    if (await alive(host.srf, leg.dialog)) {
      host.watch.watch(leg.dialog.id, () => host.agentHungUp(leg));
      continue;
    }
    legsGone += 1;
    host.agentHungUp(leg);
  }
  return { callersGone, legsGone };
}

/**
 * Takes over the calls of another process (fail-over, restart): lists FreeSWITCH's channels, finds
 * the legs the adapter created (findLegs) and reconciles them with the engine's plan. A caller
 * still there is adopted (held or connected; its dialogs bound to this connection); one whose
 * dialog drachtio forgot (a BYE answered 481 while no process was connected) hung up, and its
 * leaked FreeSWITCH leg is hung up too; a caller the engine never heard of arrives now; a caller of
 * a call the engine already ended is hung up, never counted again. Agent legs of the plan are
 * adopted; others (and a phone that was still ringing at the crash: its INVITE died with the old
 * process) are ended; an answered agent leg missing is lost; the phone of the pending offer that
 * had answered before the old process could tell the engine is kept, bridged if it was not yet,
 * and told (answerOffer: counted once, never cut); the offer made meanwhile rings; a caller
 * waiting alone hears its queue's music again.
 */
export async function adoptCalls(
  host: TakeOverHost,
  plans: CallPlan[],
  known: { ended?: (callId: string) => boolean } = {},
): Promise<DrachtioAdoptionReport> {
  const { srf, ms } = host;
  if (!srf || !ms) throw new Error('adopt: not connected to drachtio and FreeSWITCH');
  const report: DrachtioAdoptionReport = {
    callers: 0,
    legs: 0,
    arrived: 0,
    gone: 0,
    rung: 0,
    held: 0,
    strays: 0,
    ended: 0,
    answers: 0,
  };
  const planned = new Map(plans.map((p) => [p.callId, p]));
  const found = await findLegs(ms);
  const endpoint = (l: FoundLeg) => new AdoptedEndpoint(ms, srf, l.uuid, l.mediaDialogId);
  const dialog = (id: string) => new AdoptedDialog(srf, id, host.adopted) as unknown as SrfDialog;
  const now = host.now();
  const tell = (cmd: Command) => host.sink(cmd, now);
  const present = new Set<string>(); // callers (and outside calls) still on the PBX
  const callerUuid = new Map<string, string>(); // of the callers adopted, by call
  const answered = new Set<string>(); // calls whose pending offer's phone had answered
  const firstAnswers: { leg: Leg; bridged: boolean }[] = [];
  for (const l of found.filter((x) => x.kind === 'caller' || x.kind === 'outbound')) {
    if (host.callers.has(l.callId) || host.outbound.has(l.callId)) continue; // already ours
    const ep = endpoint(l);
    const d = l.dialogId ? dialog(l.dialogId) : null;
    if (!d || !(await alive(srf, d))) {
      // Hung up while nobody held drachtio: only its FreeSWITCH leg is left. An outside number
      // still ringing: the old process's INVITE cannot be cancelled from here, its answer is hung up.
      (d as unknown as AdoptedDialog | null)?.ended();
      if (!d && l.kind === 'outbound' && l.uacDialogId) host.lateAnswer(l.uacDialogId);
      await destroyQuietly(ep);
      continue;
    }
    const plan = planned.get(l.callId);
    if (l.kind === 'outbound') {
      if (!plan) {
        report.strays += 1;
        await bye(srf, d);
        await destroyQuietly(ep);
        continue;
      }
      present.add(l.callId);
      host.outbound.set(l.callId, { ep, dialog: d, answered: true, bridged: true });
      host.recorder?.adopt(l.callId, l.uuid, l.recording); // a click-to-dial's recording
      host.watch.watch(d.id, () => (d as unknown as AdoptedDialog).ended());
      d.on('destroy', () => {
        void destroyQuietly(ep);
        if (host.outbound.delete(l.callId)) host.sink({ type: 'callerHungUp', callId: l.callId }, host.now());
      });
      continue;
    }
    if (!plan && known.ended?.(l.callId)) {
      // The hang-up the old process could not carry out: done now, the call stays counted once.
      report.ended += 1;
      await bye(srf, d);
      await destroyQuietly(ep);
      continue;
    }
    present.add(l.callId);
    callerUuid.set(l.callId, l.uuid);
    const caller: Caller = {
      callId: l.callId,
      req: null,
      res: null,
      line: l.line,
      number: l.number,
      name: l.name,
      answering: Promise.resolve(),
      ep,
      dialog: d,
      with: new Set(),
      conference: plan && plan.agents.length > 1 ? conferenceOf(l.callId) : null,
      music: plan?.hold?.music ?? null,
      gone: false,
      ours: false,
    };
    host.callers.set(l.callId, caller);
    host.watch.watch(d.id, () => (d as unknown as AdoptedDialog).ended());
    host.recorder?.adopt(l.callId, l.uuid, l.recording);
    d.on('destroy', () => host.callerGone(caller));
    report.callers += 1;
    if (!plan) {
      report.arrived += 1;
      tell({
        type: 'arriveCall',
        callId: l.callId,
        line: l.line,
        callerNumber: l.number,
        callerName: l.name,
      });
    }
  }
  for (const l of found.filter((x) => x.kind === 'agent')) {
    const key = `${l.callId}|${l.agentId}`;
    if (host.legs.has(key)) continue;
    const plan = planned.get(l.callId);
    const ep = endpoint(l);
    const d = l.dialogId ? dialog(l.dialogId) : null;
    const wanted = !!plan && !!l.agentId && plan.agents.includes(l.agentId) && present.has(l.callId);
    // The pending offer's phone had answered, and the old process died before the engine was told
    // (between the answer and its report, bridged or not yet): kept and told, never cut and rung again.
    const answer =
      !wanted && plan?.ring?.agentId === l.agentId && present.has(l.callId) && !answered.has(l.callId);
    if (!(wanted || answer) || !d || !(await alive(srf, d))) {
      if (wanted) (d as unknown as AdoptedDialog | null)?.ended();
      else report.strays += 1;
      if (d?.connected) await bye(srf, d);
      await destroyQuietly(ep);
      continue;
    }
    const leg: Leg = {
      callId: l.callId,
      agentId: l.agentId!,
      ep,
      uacReq: null,
      dialog: d,
      answered: true,
      connectWanted: null,
      ours: false,
      timedOut: false,
      timer: null,
    };
    host.legs.set(key, leg);
    host.watch.watch(d.id, () => (d as unknown as AdoptedDialog).ended());
    d.on('destroy', () => host.agentHungUp(leg));
    if (answer) {
      answered.add(l.callId);
      firstAnswers.push({ leg, bridged: !!l.bridgedTo && l.bridgedTo === callerUuid.get(l.callId) });
      continue;
    }
    host.callers.get(l.callId)?.with.add(leg.agentId);
    report.legs += 1;
  }
  // A consultation under way (the plan's consultFrom): the caller alone in its conference on music,
  // the agent (and the number, once answered) in the outbound call's; known again, so that a
  // complete, a cancel or the caller's hang-up moves them as if this process had started it.
  for (const plan of plans) {
    const parent = plan.consultFrom && plan.parentCallId ? host.callers.get(plan.parentCallId) : undefined;
    if (!parent || !present.has(parent.callId)) continue;
    parent.conference = conferenceOf(parent.callId);
    parent.with.delete(plan.consultFrom!);
    if (present.has(plan.callId)) host.adoptConsultation(parent.callId, plan.callId, plan.consultFrom!);
  }
  for (const { leg, bridged } of firstAnswers) {
    const caller = host.callers.get(leg.callId);
    if (!caller) continue;
    report.answers += 1;
    if (!bridged) {
      await host.joinThenAnswer(leg); // bridged, then told (./answer-on-join.ts)
      continue;
    }
    // Bridged already: told now; its recording starts if the old process had not started it.
    caller.with.add(leg.agentId);
    caller.joined = true;
    caller.firstAnswer = { agentId: leg.agentId, bridging: false };
    if (caller.ep) void host.recorder?.start(ms, caller.callId, caller.ep.uuid);
    tell({ type: 'answerOffer', callId: leg.callId, agentId: leg.agentId });
  }
  // Supervisors' listen-ins the engine still has are kept (the eavesdrop runs on FreeSWITCH by
  // itself); others are ended, and one the engine has but FreeSWITCH has not is reported ended.
  const listening = new Set<string>();
  for (const l of found.filter((x) => x.kind === 'listen')) {
    const plan = planned.get(l.callId);
    const ep = endpoint(l);
    const d = l.dialogId ? dialog(l.dialogId) : null;
    const wanted = !!plan?.listeners?.some((x) => x.supervisorId === l.agentId) && present.has(l.callId);
    if (!wanted || !d || !(await alive(srf, d))) {
      if (!wanted) report.strays += 1;
      if (d?.connected) await bye(srf, d);
      await destroyQuietly(ep);
      continue;
    }
    const listener = plan!.listeners!.find((x) => x.supervisorId === l.agentId)!;
    if (!host.listenIn.adopt({ callId: l.callId, ...listener }, ep, d)) continue; // ours already
    listening.add(`${l.callId}|${l.agentId}`);
    host.watch.watch(d.id, () => (d as unknown as AdoptedDialog).ended());
  }
  for (const plan of plans)
    for (const x of plan.listeners ?? [])
      if (
        !listening.has(`${plan.callId}|${x.supervisorId}`) &&
        !host.listenIn.has(plan.callId, x.supervisorId)
      )
        tell({
          type: 'stopListening',
          callId: plan.callId,
          supervisorId: x.supervisorId,
          reason: 'unreachable',
        });
  for (const plan of plans) {
    const mine = host.callers.has(plan.callId) || host.outbound.has(plan.callId);
    if (mine && !present.has(plan.callId)) continue; // held by this process already
    if (!present.has(plan.callId)) {
      report.gone += 1;
      tell({ type: 'callerHungUp', callId: plan.callId });
      continue;
    }
    if (plan.direction === 'outbound') continue;
    for (const agentId of plan.agents)
      if (!host.legs.has(`${plan.callId}|${agentId}`))
        tell({ type: 'agentLegLost', callId: plan.callId, agentId });
    if (plan.ring && !host.legs.has(`${plan.callId}|${plan.ring.agentId}`)) {
      report.rung += 1;
      void host.execute(plan.ring);
    }
    // A caller with the phone that answered its offer (above) stays with it: no music.
    if (plan.hold && !answered.has(plan.callId)) {
      report.held += 1;
      await host.execute(plan.hold);
    }
  }
  return report;
}
