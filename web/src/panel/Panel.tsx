// The agent's desk (bandeau téléphonique): state and seat actions, the call card, the actions the
// agent's step allows (N1: DRM and qualification; N2 and doctors: onward transfer, reorientation,
// dispositions), the queues' load, today's figures and, for the MG branch, the callback worklist.
// Live updates re-render through Preact's diff: fields keep their focus and their text.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { clock, duration, plural, QUALIFICATION, ROLE, STATUS } from '../i18n.js';
import { arrival, LiveFeed, type LiveState } from '../live.js';
import { api, ApiError, endSession } from '../session.js';
import { settleUncertain, type CommandStatus } from './uncertain-action.js';
import type { CallView, Desk, QueueView, WebConfig } from '../types.js';
import { Confirm, ConnectionBanner, Kbd, useNow } from '../ui.js';
import { Callbacks } from './Callbacks.js';
import {
  ConsultDialog,
  OutsideTransferDialog,
  consultState,
  numberName,
  outsideTransferState,
  type Consultation,
} from './Consultation.js';
import {
  actionOf,
  CONSULT_KEYS,
  HANDOVER_KEYS,
  DESK_KEYS,
  DISPOSITION_KEYS,
  digitOf,
  keyLabel,
  keyOf,
  N1_KEYS,
  N2_KEYS,
  type KeyMap,
} from './keys.js';
import { dispositionLabel, lineLabel, queueName, queueOf } from './labels.js';
import {
  acdAnswer,
  alertOffer,
  askNotificationPermission,
  stopAlert,
  virtualPhone,
  type Phone,
} from './phone.js';
import { PAUSE_REASONS } from '../i18n.js';
import { PhoneBadge, PhoneBar, PhoneDevices, phoneProblem } from './PhoneBar.js';
import { phoneDead, useWebRtcPhone } from './use-webrtc-phone.js';

type Dialog =
  | { kind: 'pause' }
  | { kind: 'leave-p0' }
  | { kind: 'quit' }
  | { kind: 'target' }
  | { kind: 'consult' }
  | { kind: 'outside' }
  | { kind: 'dead-phone'; action: 'login' | 'ready' }
  | null;
/** How the next P1 / P2 leaves N1: the site's default queue or a chosen one, blind or warm. */
type Onward = { callId: string; to: string | null; warm: boolean };
type Message = { text: string; tone: 'ok' | 'error' | 'info' };

export function Panel({ config }: { config: WebConfig }) {
  const site = config.site;
  const siteId = config.siteId;
  // The site's key map (its configuration's panelKeys over the defaults).
  const keys = site?.keys ?? { desk: DESK_KEYS, n1: N1_KEYS, n2: N2_KEYS, consult: CONSULT_KEYS };
  // A server from before the cancel key sends no `handover` map: the default one.
  const handoverKeys = (keys as { handover?: KeyMap }).handover ?? HANDOVER_KEYS;
  // An outside number with its name: a usual one or a partner's (« 18 (pompiers) »).
  const partners = site?.partners ?? [];
  const named = (n: string) => numberName(n, partners);
  const feed = useMemo(() => new LiveFeed('/agent', { sites: [siteId] }), [siteId]);
  const [desk, setDesk] = useState<Desk | null>(null);
  const [live, setLive] = useState<LiveState>(feed.state);
  const [message, setMessage] = useState<Message | null>(null);
  const [draft, setDraft] = useState({ callId: '', name: '', phone: '' });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [onward, setOnward] = useState<Onward>({ callId: '', to: null, warm: false });
  // The destination (F) and warm/blind (A) as chosen, written at once: a key pressed right after a
  // change reaches `act` before the re-render that re-binds it, which would send the old choice
  // (the DRM fields' race, solved by reading the inputs). `act` reads this, the render `onward`.
  const onwardRef = useRef<Onward>(onward);
  const changeOnward = (next: (o: Onward) => Onward) => {
    onwardRef.current = next(onwardRef.current);
    setOnward(onwardRef.current);
  };
  const phone = useRef<Phone>(acdAnswer);
  const deskRef = useRef<Desk | null>(null);
  const deskArrival = useRef(0);
  const nameField = useRef<HTMLInputElement>(null);
  const phoneField = useRef<HTMLInputElement>(null);
  const now = useNow(feed.skewMs);
  // With a SIP/WebRTC gateway the panel is the phone (registers now); without one, the desk phone.
  const rtc = useWebRtcPhone({
    enabled: !!config.sipGatewayUrl,
    siteId,
    autoAnswer: () => !!deskRef.current?.agent.autoAnswer && deskRef.current.agent.status === 'offered',
  });
  const rtcRef = useRef(rtc);
  rtcRef.current = rtc;

  useEffect(() => {
    const onDesk = (d: Desk) => {
      if (d.siteId !== siteId) return;
      deskRef.current = d;
      deskArrival.current = arrival();
      setDesk(d);
      if (d.agent.status !== 'offered') stopAlert();
      if (config.virtualPhoneUrl && phone.current === acdAnswer)
        phone.current = virtualPhone(
          config.virtualPhoneUrl,
          d.agent.id,
          () => (deskRef.current?.agent.autoAnswer ?? false) || placingCall(deskRef.current),
        );
      // A call the agent places (a callback's « Appeler »): its own phone rings first and is
      // picked up for it, whichever of the ring and this update comes first.
      if (placingCall(d)) phone.current.answer();
    };
    feed.socket.on('snapshot', onDesk);
    feed.socket.on('update', onDesk);
    feed.socket.on('offer', (o: { siteId: string; autoAnswer: boolean; call: CallView | null }) => {
      if (o.siteId !== siteId) return;
      alertOffer(
        o.call ? `${lineLabel(site, o.call.line)} — ${o.call.callerNumber ?? 'numéro masqué'}` : 'Appel',
        o.autoAnswer,
      );
    });
    const off = feed.onChange(() => setLive(feed.state));
    return () => {
      off();
      feed.close();
      phone.current.close();
      stopAlert();
    };
  }, [feed]);

  const call = desk?.call ?? null;
  const agent = desk?.agent ?? null;
  // The DRM draft follows the call: a new call fills it from the caller id or the DRM.
  useEffect(() => {
    if (call && draft.callId !== call.id) setMessage(null);
    if (call && onwardRef.current.callId !== call.id)
      changeOnward(() => ({ callId: call.id, to: null, warm: site?.routing.transferMode === 'warm' }));
    if (call && draft.callId !== call.id)
      setDraft({
        callId: call.id,
        name: call.drm?.name ?? call.callerName ?? '',
        phone: call.drm?.phone ?? call.callerNumber ?? '',
      });
  }, [call?.id]);

  const myParty = call?.parties.find((p) => p.agentId === agent?.id) ?? null;
  const stepQueue = queueOf(site, myParty?.queueId ?? call?.waiting?.queueId ?? null);
  const atN1 = stepQueue?.stage === 'n1';
  const doctorJoined = !!call?.parties.some((p) => p.role === 'mru');
  const doctorRinging = call?.waiting?.kind === 'conference' && call.waiting.offeredTo !== null;
  const doctorAsked = call?.waiting?.kind === 'conference';
  // A warm transfer under way: qualified and sent; the engine refuses a second qualification or
  // transfer (409), so only leaving the call (the caller stays in the queue) is offered.
  const warmPending = call?.waiting?.kind === 'warm';
  // A consultative outside transfer of this agent's (the caller on hold): only its keys are live.
  const consulting = call?.consultation?.agentId === agent?.id ? (call?.consultation ?? null) : null;
  const consultSeen = useRef<(Consultation & { callId: string }) | null>(null);
  const consultStepped = useRef(false); // the agent completed or cancelled it (not news)
  // A blind outside transfer of this agent's, ringing (the agent leaves when the number answers).
  const handingOver = call?.outsideTransfer?.agentId === agent?.id ? (call?.outsideTransfer ?? null) : null;
  const handOverSeen = useRef<{ callId: string; number: string } | null>(null);
  const handOverCancelled = useRef(false); // the agent took it back (said by the key, not news)
  const otherBranch = stepQueue?.branch === 'mg' ? 'amu' : 'mg';
  const forwardTargets = site && stepQueue ? onwardQueues(site.queues, stepQueue) : [];

  const say = (text: string, tone: Message['tone'] = 'ok') => setMessage({ text, tone });
  // A confirmation fades after 8 s (an old "Connecté au poste" must not read as news); errors stay.
  useEffect(() => {
    if (message?.tone !== 'ok') return;
    const t = setTimeout(() => setMessage(null), 8000);
    return () => clearTimeout(t);
  }, [message]);

  // A consultation that ended by itself is said: the number hung up or failed (the agent is back
  // with the caller), or the caller hung up (the agent stays with the number).
  useEffect(() => {
    const seen = consultSeen.current;
    if (consulting && call) {
      consultSeen.current = { ...consulting, callId: call.id };
      consultStepped.current = false;
      return;
    }
    if (!seen) return;
    consultSeen.current = null;
    if (consultStepped.current) return;
    if (call?.id === seen.callId)
      setMessage({
        text: `Le ${named(seen.number)} a raccroché, est occupé ou ne répond pas : vous êtes de nouveau avec l’appelant.`,
        tone: 'info',
      });
    else if (call?.id === seen.outCallId)
      setMessage({
        text: `L’appelant a raccroché : vous restez en ligne avec le ${named(seen.number)}.`,
        tone: 'info',
      });
  }, [consulting?.outCallId, call?.id]);

  // A blind outside transfer that stopped ringing is said: answered (the agent has left the call)
  // or not (busy, unreachable, no answer: the caller is still with the agent).
  useEffect(() => {
    const seen = handOverSeen.current;
    if (handingOver && call) {
      handOverSeen.current = { callId: call.id, number: handingOver.number };
      handOverCancelled.current = false;
      return;
    }
    if (!seen) return;
    handOverSeen.current = null;
    if (handOverCancelled.current) return;
    if (call?.id === seen.callId && call.parties.some((p) => p.agentId === agent?.id))
      setMessage({
        text: `Le ${named(seen.number)} est occupé, ne répond pas ou a raccroché : l’appelant est toujours avec vous.`,
        tone: 'info',
      });
    else
      setMessage({
        text: `Appelant transféré au ${named(seen.number)} : vous avez quitté l’appel.`,
        tone: 'ok',
      });
  }, [handingOver?.outCallId, call?.id]);

  // The number answered: a refusal said before (« pas encore décroché ») is no longer true.
  useEffect(() => {
    if (consulting?.answered) setMessage((m) => (m?.tone === 'error' ? null : m));
  }, [consulting?.answered]);

  const act = useCallback(
    async (name: string, confirmed = false) => {
      askNotificationPermission();
      const base = `/sites/${siteId}`;
      const d = deskRef.current;
      const c = d?.call ?? null;
      // What the fields show, read from them: a key pressed right after an edit can reach this
      // callback before the re-render that gives it the new draft (a cleared name was sent as the
      // caller id's on a loaded CI machine, passing the « Renseignez le nom » check).
      const drm = {
        name: (nameField.current?.value ?? draft.name).trim(),
        phone: (phoneField.current?.value ?? draft.phone).trim(),
      };
      try {
        // A seat whose phone is out of service would be offered calls it cannot take (each one
        // ringing nowhere until the offer fails): going « Disponible » is asked first.
        const becomesAvailable =
          name === 'login'
            ? d?.agent.status === 'logged-out'
            : name === 'ready' && (d?.agent.status === 'paused' || d?.agent.status === 'wrap-up');
        if (becomesAvailable && !confirmed && phoneDead(rtcRef.current.state))
          return setDialog({ kind: 'dead-phone', action: name === 'login' ? 'login' : 'ready' });
        switch (name) {
          case 'login':
            await api('POST', `${base}/agent/login`);
            return say('Connecté au poste.');
          case 'ready':
            await api('POST', `${base}/agent/ready`);
            return say('Disponible : les appels peuvent arriver.');
          case 'pause':
            return setDialog({ kind: 'pause' });
          case 'quit':
            return setDialog({ kind: 'quit' });
          case 'field-name':
            return nameField.current?.focus();
          case 'field-phone':
            return phoneField.current?.focus();
          case 'warm':
            return changeOnward((o) => ({ ...o, warm: !o.warm }));
          case 'target':
            return c ? setDialog({ kind: 'target' }) : undefined;
          case 'answer':
            if (d?.agent.status !== 'offered' || !c) return;
            stopAlert();
            if (!(rtcRef.current.phone.current ?? phone.current).answer())
              await api('POST', `${base}/calls/${c.id}/answer`);
            return;
          case 'mute':
            return rtcRef.current.toggleMute();
        }
        if (!c) return say('Aucun appel en cours.', 'info');
        const path = `${base}/calls/${c.id}`;
        const consultPath = `${base}/agent/consult-outside`;
        switch (name) {
          case 'consult':
            return setDialog({ kind: 'consult' });
          case 'outside':
            return setDialog({ kind: 'outside' });
          case 'consult-complete':
          case 'consult-conference': {
            const conference = name === 'consult-conference';
            const number = c.consultation?.number ?? '';
            consultStepped.current = true;
            await api('POST', `${consultPath}/complete`, {
              callId: c.id,
              ...(conference ? { mode: 'conference' } : {}),
            }).catch((err: unknown) => {
              consultStepped.current = false;
              throw err;
            });
            return say(
              conference
                ? `Conférence à trois avec le ${named(number)}.`
                : `Appelant transféré au ${named(number)} : vous êtes libéré.`,
            );
          }
          case 'outside-cancel': {
            const number = c.outsideTransfer?.number ?? '';
            handOverCancelled.current = true;
            await api('POST', `${base}/agent/transfer-outside/cancel`, { callId: c.id }).catch(
              (err: unknown) => {
                handOverCancelled.current = false;
                throw err;
              },
            );
            return say(`Transfert vers le ${named(number)} annulé : l’appelant est toujours avec vous.`);
          }
          case 'consult-cancel':
            consultStepped.current = true;
            await api('POST', `${consultPath}/cancel`, { callId: c.id }).catch((err: unknown) => {
              consultStepped.current = false;
              throw err;
            });
            return say('Vous avez repris l’appelant.');
        }
        if (name.startsWith('dispo:')) {
          await api('POST', `${path}/hangup`, { disposition: name.slice(6) });
          return say(`Appel clos : ${dispositionLabel(name.slice(6))}.`);
        }
        if (name.startsWith('to:')) {
          await api('POST', `${path}/transfer`, { to: name.slice(3) });
          return say(`Transféré vers ${queueName(site, name.slice(3))}.`);
        }
        switch (name) {
          case 'P1':
          case 'P2': {
            // The choice made for this call (a new call's reset may not have rendered yet).
            const chosen =
              onwardRef.current.callId === c.id
                ? onwardRef.current
                : { to: null, warm: site?.routing.transferMode === 'warm' };
            if (!drm.name || !drm.phone) {
              (drm.name ? phoneField : nameField).current?.focus();
              return say('Renseignez le nom et le téléphone du DRM avant le transfert.', 'error');
            }
            await api('POST', `${path}/qualify`, { qualification: name, ...drm });
            await api('POST', `${path}/transfer`, {
              ...(chosen.to ? { to: chosen.to } : {}),
              mode: chosen.warm ? 'warm' : 'blind',
            });
            return say(
              `${name} : ${chosen.warm ? 'transfert accompagné' : 'transféré'} vers ${queueName(
                site,
                chosen.to ?? (name === 'P1' ? site?.routing.p1Queue : site?.routing.p2Queue),
              )}${chosen.warm ? ' — restez en ligne jusqu’au décroché.' : '.'}`,
            );
          }
          case 'P0':
            await api('POST', `${path}/qualify`, { qualification: 'P0', ...drm });
            await api('POST', `${path}/doctor`);
            return say('P0 : appel gardé, médecin urgentiste appelé en conférence.');
          case 'DR':
            await api('POST', `${path}/qualify`, { qualification: 'DR', ...drm });
            return say('DR enregistrée : raccrochez en fin d’échange (R).');
          case 'doctor':
            await api('POST', `${path}/doctor`);
            return say('Médecin appelé en conférence.');
          case 'forward': {
            const to = forwardTargets[0];
            await api('POST', `${path}/transfer`, to ? { to: to.id } : {});
            return say(`Transféré vers ${to?.name ?? 'l’étape suivante'}.`);
          }
          case 'reorient':
            await api('POST', `${path}/reorient`, { to: otherBranch });
            return say(`Réorienté vers ${otherBranch === 'amu' ? 'l’AMU' : 'la MG'}.`);
          case 'no-file':
          case 'hangup':
            if (!confirmed && c.qualification === 'P0' && !c.parties.some((p) => p.role === 'mru'))
              return setDialog({ kind: 'leave-p0' });
            await api('POST', `${path}/hangup`, {});
            return say(c.qualification ? 'Appel terminé.' : 'Appel terminé sans dossier.');
        }
      } catch (err) {
        say(err instanceof ApiError ? err.message : 'Action impossible.', 'error');
        if (err instanceof ApiError && err.reason === 'outcome-unknown' && err.commandId) {
          const ask = () =>
            api<{ status: CommandStatus }>('GET', `/sites/${siteId}/commands/${err.commandId}`).then(
              (r) => r.status,
            );
          say(await settleUncertain(ask, (ms) => new Promise((r) => setTimeout(r, ms))), 'error');
        }
      }
    },
    [siteId, draft, site, otherBranch, forwardTargets.map((q) => q.id).join()],
  );

  // While this agent's blind outside transfer rings, only its cancel is live: the engine refuses a
  // consultation, a second transfer, a hang-up (the caller promised to the number) or a P1/P2.
  const stepKeys: KeyMap = !call
    ? {}
    : handingOver
      ? live === 'lost'
        ? {} // the cancel would not reach the server: not offered
        : handoverKeys
      : consulting
        ? keys.consult
        : atN1
          ? warmPending
            ? only(keys.n1, ['hangup'])
            : keys.n1
          : { ...keys.n2, ...dispositionKeys(site?.dispositions ?? []) };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t?.tagName === 'INPUT' && (e.key === 'Escape' || e.key === 'Enter') && t.dataset.drm) {
        e.preventDefault();
        if (e.key === 'Enter' && t.dataset.drm === 'name') phoneField.current?.focus();
        else t.blur();
        return;
      }
      const action = actionOf(e, [stepKeys, keys.desk]);
      if (!action) return;
      e.preventDefault();
      void act(action);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [act, stepKeys]);

  // Lost: the last known state is not shown as if it were live.
  const status =
    live === 'lost'
      ? { label: 'Hors ligne — état inconnu', symbol: '⚠' }
      : agent
        ? STATUS[agent.status]
        : STATUS['logged-out'];
  const loggedOut = !agent || agent.status === 'logged-out';
  // The load from whichever came last: the desk (pushed with each change of the agent's state, so
  // « En appel » never sits next to the ring count from before the answer) or the 1.5 s probe
  // (the other agents' calls).
  const probed = (feed.lastProbe?.queues as Record<string, QueueView[]> | undefined)?.[siteId];
  const queues =
    (feed.lastProbeArrival > deskArrival.current ? probed : desk?.queues) ?? probed ?? desk?.queues ?? [];
  const myQueues = queues.filter((q) => agent?.skills.some((s) => s.queue === q.id));

  return (
    <div class="desk" data-live={live}>
      <ConnectionBanner state={live} lostText="Connexion perdue — vous ne recevez plus d’appels." />
      <header class="desk-head">
        <div>
          <strong class="agent-name">{agent ? agentTitle(agent.name, agent.roles) : '…'}</strong>
          <span
            class={`badge status-${live === 'lost' ? 'lost' : (agent?.status ?? 'logged-out')}`}
            data-testid="status"
          >
            <span aria-hidden="true">{status.symbol} </span>
            {status.label}
            {agent?.pauseReason ? ` — ${agent.pauseReason}` : ''}
          </span>
          {agent && !loggedOut && live !== 'lost' && (
            <span class="since">depuis {duration(now - agent.since)}</span>
          )}
          <PhoneBadge state={rtc.state} />
        </div>
        <div class="row">
          {loggedOut && (
            <KeyButton map={keys.desk} action="login" label="Se connecter au poste" act={act} primary />
          )}
          {(agent?.status === 'paused' || agent?.status === 'wrap-up') && (
            <KeyButton map={keys.desk} action="ready" label="Disponible" act={act} primary />
          )}
          {!loggedOut && agent?.status !== 'paused' && (
            <KeyButton map={keys.desk} action="pause" label="Pause" act={act} />
          )}
          <button type="button" onClick={() => void act('quit')}>
            Quitter
          </button>
        </div>
      </header>

      <PhoneBar p={rtc} muteKey={keyLabelOf(keys.desk, 'mute')} />
      <section class={`call-card ${call ? 'active' : ''}`} data-testid="call" aria-live="polite">
        {call ? (
          <CallCard call={call} site={site} now={now} myPartySince={myParty?.since ?? null} />
        ) : (
          <p class="idle">{loggedOut ? 'Poste non connecté' : 'Aucun appel'}</p>
        )}
        {agent?.status === 'offered' && (
          <KeyButton map={keys.desk} action="answer" label="Décrocher" act={act} primary />
        )}
        {call && call.qualification === 'P0' && (
          <p class={`doctor ${doctorJoined ? 'ok' : 'warn'}`} data-testid="doctor">
            {doctorJoined
              ? '✔ Médecin en ligne'
              : doctorRinging
                ? '☎ Médecin : sonnerie en cours'
                : doctorAsked
                  ? '… Médecin : en attente d’un médecin disponible'
                  : '⚠ Médecin non appelé (M)'}
          </p>
        )}
        {call?.waiting?.kind === 'warm' && (
          <p class="doctor warn" data-testid="warm">
            ⇄ Transfert accompagné vers {queueName(site, call.waiting.queueId)} :{' '}
            {call.waiting.offeredTo ? 'sonnerie en cours' : 'en attente d’un agent'} — restez en ligne, vous
            serez libéré au décroché.
          </p>
        )}
        {consulting && (
          <p class={`doctor ${consulting.answered ? 'ok' : 'warn'}`} data-testid="consult">
            <span aria-hidden="true">{consultState(consulting, partners).symbol} </span>
            Transfert accompagné : {consultState(consulting, partners).text}
          </p>
        )}
        {handingOver && (
          <p class="doctor warn" data-testid="outside-transfer">
            <span aria-hidden="true">⇥ </span>
            Transfert direct : {outsideTransferState(handingOver, partners, live === 'lost')}
            {live !== 'lost' && (
              <span class="cancel-hint" data-testid="outside-transfer-cancel-hint">
                {' '}
                — <Kbd k={keyLabelOf(handoverKeys, 'outside-cancel') ?? 'Échap'} /> : annuler le transfert
              </span>
            )}
          </p>
        )}
        {call && (
          <p class="participants" data-testid="participants">
            En ligne :{' '}
            {call.parties
              .map((p) => (p.agentId === agent?.id ? 'vous' : (ROLE[p.role] ?? p.role)))
              .join(', ') || 'personne'}
          </p>
        )}
      </section>

      {consulting && (
        <section class="actions" aria-label="Transfert accompagné" data-testid="consult-keys">
          <div class="keys">
            <KeyButton
              map={keys.consult}
              action="consult-complete"
              label={
                consulting.answered ? 'Transférer l’appelant' : 'Transférer l’appelant (après le décroché)'
              }
              act={act}
              cls="primary"
            />
            <KeyButton map={keys.consult} action="consult-conference" label="Conférence à trois" act={act} />
            <KeyButton
              map={keys.consult}
              action="consult-cancel"
              label="Reprendre l’appelant"
              act={act}
              cls="danger"
            />
          </div>
        </section>
      )}

      {handingOver && (
        <section class="actions" aria-label="Transfert direct" data-testid="outside-transfer-keys">
          {live === 'lost' ? (
            <p class="hint">Annulation impossible sans connexion : restez en ligne avec l’appelant.</p>
          ) : (
            <div class="keys">
              <KeyButton
                map={handoverKeys}
                action="outside-cancel"
                label="Annuler le transfert (garder l’appelant)"
                act={act}
                cls="danger"
              />
            </div>
          )}
          <p class="hint">
            Autres touches suspendues pendant la sonnerie : au décroché du {named(handingOver.number)}, vous
            quittez l’appel ; sans réponse, l’appelant reste avec vous.
          </p>
        </section>
      )}

      {call && atN1 && !consulting && !handingOver && (
        <section class="actions" aria-label="Qualification">
          {/* During a warm transfer the DRM sent is on the card; the fields would only mislead. */}
          <div class="drm" hidden={warmPending}>
            <label>
              <span>
                Nom (DRM) <Kbd k="N" />
              </span>
              <input
                ref={nameField}
                id="drm-name"
                data-drm="name"
                value={draft.name}
                onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
                autocomplete="off"
              />
            </label>
            <label>
              <span>
                Téléphone (DRM) <Kbd k="T" />
              </span>
              <input
                ref={phoneField}
                id="drm-phone"
                data-drm="phone"
                inputMode="tel"
                value={draft.phone}
                onInput={(e) => setDraft({ ...draft, phone: e.currentTarget.value })}
                autocomplete="off"
              />
            </label>
          </div>
          {warmPending ? (
            <div class="keys" data-testid="warm-keys">
              <KeyButton
                map={keys.n1}
                action="hangup"
                label="Quitter l’appel (l’appelant reste en file)"
                act={act}
                cls="danger"
              />
            </div>
          ) : (
            <>
              <p class="hint">Échap ou Entrée quitte le champ ; puis une touche agit.</p>
              <div class="row onward" data-testid="onward">
                <KeyButton
                  map={keys.n1}
                  action="target"
                  label={`Destination : ${onward.to ? queueName(site, onward.to) : 'file par défaut'}`}
                  act={act}
                />
                <KeyButton
                  map={keys.n1}
                  action="warm"
                  label={onward.warm ? 'Transfert accompagné : oui' : 'Transfert accompagné : non'}
                  act={act}
                  pressed={onward.warm}
                />
              </div>
              <div class="keys">
                <KeyButton map={keys.n1} action="P0" label="P0 garder + médecin" act={act} cls="q-P0" />
                <KeyButton
                  map={keys.n1}
                  action="P1"
                  label={`P1 → ${queueName(site, onward.to ?? site?.routing.p1Queue)}`}
                  act={act}
                  cls="q-P1"
                />
                <KeyButton
                  map={keys.n1}
                  action="P2"
                  label={`P2 → ${queueName(site, onward.to ?? site?.routing.p2Queue)}`}
                  act={act}
                  cls="q-P2"
                />
                <KeyButton map={keys.n1} action="DR" label="DR" act={act} />
                <KeyButton map={keys.n1} action="no-file" label="Sans dossier" act={act} />
                <KeyButton map={keys.n1} action="doctor" label="Médecin" act={act} />
                <KeyButton
                  map={keys.n1}
                  action="consult"
                  label="Transfert accompagné (extérieur)"
                  act={act}
                />
                <KeyButton map={keys.n1} action="outside" label="Transfert direct (extérieur)" act={act} />
                <KeyButton map={keys.n1} action="hangup" label="Raccrocher" act={act} cls="danger" />
              </div>
            </>
          )}
        </section>
      )}

      {call && !atN1 && !consulting && !handingOver && (
        <section class="actions" aria-label="Suite de l’appel">
          <div class="keys">
            {forwardTargets[0] && (
              <KeyButton
                map={keys.n2}
                action="forward"
                label={`Transférer → ${forwardTargets[0].name}`}
                act={act}
                cls="primary"
              />
            )}
            {stepQueue?.branch === 'amu' && (
              <KeyButton map={keys.n2} action="doctor" label="Médecin en conférence" act={act} />
            )}
            <KeyButton
              map={keys.n2}
              action="reorient"
              label={`Réorienter vers ${otherBranch === 'amu' ? 'l’AMU' : 'la MG'}`}
              act={act}
            />
            <KeyButton map={keys.n2} action="consult" label="Transfert accompagné (extérieur)" act={act} />
            <KeyButton map={keys.n2} action="outside" label="Transfert direct (extérieur)" act={act} />
            <KeyButton map={keys.n2} action="hangup" label="Raccrocher" act={act} cls="danger" />
          </div>
          {forwardTargets.length > 1 && (
            <div class="row more-targets">
              Autres files :
              {forwardTargets.slice(1).map((q) => (
                <button type="button" key={q.id} onClick={() => void act(`to:${q.id}`)}>
                  {q.name}
                </button>
              ))}
            </div>
          )}
          <h3>Issue de l’appel (clôt l’appel)</h3>
          <div class="keys dispositions">
            {(site?.dispositions ?? []).slice(0, DISPOSITION_KEYS.length).map((id, i) => (
              <button
                type="button"
                key={id}
                onClick={() => void act(`dispo:${id}`)}
                data-action={`dispo:${id}`}
              >
                {dispositionLabel(id)} <Kbd k={DISPOSITION_KEYS[i]!} />
              </button>
            ))}
          </div>
        </section>
      )}

      {/* Offline, an old confirmation ("Connecté au poste.") would read as live news: hidden;
          an error stays, greyed like the rest of the stale desk. */}
      <p class={`message tone-${message?.tone ?? 'info'}`} role="status" data-testid="message">
        {live === 'lost' && message?.tone !== 'error' ? '' : (message?.text ?? '')}
      </p>

      <section class="load" aria-label="Charge des files" data-testid="load">
        {myQueues.map((q) => (
          <div key={q.id} class={`load-item ${q.waiting > 0 ? 'busy' : ''}`}>
            <span class="load-name">{q.name}</span>
            <span class="load-figure">{plural(q.waiting, 'appel en attente', 'appels en attente')}</span>
            <span class="load-oldest">
              {q.waiting > 0 && q.oldestWaitingSince
                ? `le plus ancien : ${duration(now - q.oldestWaitingSince)}`
                : 'aucune attente'}
              {q.offered > 0 ? ` · ${plural(q.offered, 'en sonnerie', 'en sonnerie')}` : ''}
            </span>
          </div>
        ))}
      </section>

      {agent &&
        isMg(
          agent.skills.map((s) => s.queue),
          site,
        ) && <Callbacks siteId={siteId} agentId={agent.id} />}

      <PhoneDevices p={rtc} />

      <footer class="stats" data-testid="stats">
        Aujourd’hui : {plural(desk?.stats.answered ?? 0, 'appel', 'appels')},{' '}
        {plural(desk?.stats.qualified ?? 0, 'qualifié', 'qualifiés')},{' '}
        {plural(desk?.stats.transferred ?? 0, 'transféré', 'transférés')}
        {desk?.stats.meanTalkSeconds ? `, durée moyenne ${duration(desk.stats.meanTalkSeconds * 1000)}` : ''}
      </footer>

      {dialog?.kind === 'pause' && (
        <PauseDialog
          onCancel={() => setDialog(null)}
          onPick={async (reason) => {
            setDialog(null);
            try {
              await api('POST', `/sites/${siteId}/agent/pause`, { reason });
              say(`En pause : ${reason}.`);
            } catch (err) {
              say(err instanceof ApiError ? err.message : 'Pause impossible.', 'error');
            }
          }}
        />
      )}
      {dialog?.kind === 'target' && site && (
        <TargetDialog
          queues={site.queues.filter((q) => q.stage !== 'n1')}
          current={onward.to}
          onCancel={() => setDialog(null)}
          onPick={(to) => {
            setDialog(null);
            changeOnward((o) => ({ ...o, to }));
          }}
        />
      )}
      {dialog?.kind === 'consult' && (
        <ConsultDialog
          partners={partners}
          onCancel={() => setDialog(null)}
          onDial={async (number) => {
            setDialog(null);
            const c = deskRef.current?.call;
            if (!c) return say('Aucun appel en cours.', 'info');
            try {
              await api('POST', `/sites/${siteId}/agent/consult-outside`, { callId: c.id, number });
              say(`Appel du ${named(number)} : l’appelant patiente en musique.`);
            } catch (err) {
              say(err instanceof ApiError ? err.message : 'Appel impossible.', 'error');
            }
          }}
        />
      )}
      {dialog?.kind === 'outside' && (
        <OutsideTransferDialog
          partners={partners}
          confirmKey={keyOf(atN1 ? keys.n1 : keys.n2, 'outside') ?? 'x'}
          onCancel={() => setDialog(null)}
          onTransfer={async (number) => {
            setDialog(null);
            const c = deskRef.current?.call;
            if (!c) return say('Aucun appel en cours.', 'info');
            try {
              await api('POST', `/sites/${siteId}/agent/transfer-outside`, { callId: c.id, number });
              say(
                `Transfert direct vers le ${named(number)} : vous quitterez l’appel à son décroché.`,
                'info',
              );
            } catch (err) {
              say(err instanceof ApiError ? err.message : 'Transfert impossible.', 'error');
            }
          }}
        />
      )}
      {dialog?.kind === 'leave-p0' && (
        <Confirm
          title="Le médecin n’a pas encore rejoint l’appel"
          confirmLabel="Quitter quand même"
          danger
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void act('hangup', true);
          }}
        >
          <p>Si vous quittez maintenant, l’appelant d’un P0 reste seul en attente du médecin.</p>
        </Confirm>
      )}
      {dialog?.kind === 'dead-phone' && (
        <Confirm
          title="Téléphone hors service : passer « Disponible » quand même ?"
          confirmLabel={dialog.action === 'login' ? 'Me connecter quand même' : 'Disponible quand même'}
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void act(dialog.action, true);
          }}
        >
          <p data-testid="dead-phone-why">Cause : {phoneProblem(rtc.state)}.</p>
          <p>
            Les appels vous seront présentés, mais ce poste ne peut pas décrocher : le premier sera repris et
            proposé à un collègue, et votre poste mis en pause.
          </p>
        </Confirm>
      )}
      {dialog?.kind === 'quit' && (
        <Confirm
          title="Quitter le poste ?"
          confirmLabel="Se déconnecter"
          onCancel={() => setDialog(null)}
          onConfirm={async () => {
            setDialog(null);
            if (agent && agent.status !== 'logged-out' && !agent.callId)
              await api('POST', `/sites/${siteId}/agent/logout`).catch(() => undefined);
            endSession(null);
          }}
        >
          <p>
            {agent?.callId
              ? 'Un appel est en cours : le poste reste connecté jusqu’à sa fin.'
              : 'Le poste sera déconnecté : plus aucun appel ne vous sera présenté.'}
          </p>
        </Confirm>
      )}
    </div>
  );
}

function CallCard(props: {
  call: CallView;
  site: WebConfig['site'];
  now: number;
  myPartySince: number | null;
}) {
  const { call, site, now } = props;
  const waited = call.firstAnsweredAt ? call.firstAnsweredAt - call.arrivedAt : now - call.arrivedAt;
  return (
    <div class="card-body">
      <h2>
        {lineLabel(site, call.line)}
        {call.qualification && (
          <span class={`q q-${call.qualification}`} data-testid="qualification">
            {QUALIFICATION[call.qualification]}
          </span>
        )}
      </h2>
      <p class="caller" data-testid="caller">
        {call.callerNumber ?? 'Numéro masqué'} {call.callerName ? `— ${call.callerName}` : ''}
      </p>
      {call.drm && (
        <p class="drm-view" data-testid="drm">
          DRM : {call.drm.name || '(nom non saisi)'} · {call.drm.phone || '(téléphone non saisi)'}
        </p>
      )}
      {call.listeners && call.listeners.length > 0 && (
        <p class="listened" role="status" data-testid="listened">
          <span aria-hidden="true">◉ </span>
          {call.listeners.some((l) => l.mode === 'barge')
            ? 'Un superviseur intervient dans cet appel'
            : call.listeners.some((l) => l.mode === 'whisper')
              ? 'Un superviseur écoute cet appel et peut vous parler'
              : 'Un superviseur écoute cet appel'}
        </p>
      )}
      {call.qualifiedBy && call.qualification && (
        <p class="qualified-by" data-testid="qualified-by">
          Qualifié {call.qualification} par {call.qualifiedBy.name} à {clock(call.qualifiedBy.at)}
        </p>
      )}
      <dl class="times">
        <div>
          <dt>Arrivé à</dt>
          <dd>{clock(call.arrivedAt)}</dd>
        </div>
        <div>
          <dt>Attente avant décroché</dt>
          <dd>{duration(waited)}</dd>
        </div>
        <div>
          <dt>En ligne depuis</dt>
          <dd data-testid="talk">{props.myPartySince ? duration(now - props.myPartySince) : '—'}</dd>
        </div>
        {call.waiting && (
          <div>
            <dt>
              {call.waiting.kind === 'conference'
                ? 'Attente du médecin'
                : `Attente en file ${queueName(site, call.waiting.queueId)}`}
            </dt>
            <dd>{duration(now - call.waiting.enteredAt)}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}

function KeyButton(props: {
  map: KeyMap;
  action: string;
  label: string;
  act: (a: string) => void;
  cls?: string;
  primary?: boolean;
  /** A toggle: its state is said (aria-pressed), not only shown. */
  pressed?: boolean;
}) {
  const k = keyOf(props.map, props.action);
  return (
    <button
      type="button"
      class={`${props.cls ?? ''} ${props.primary ? 'primary' : ''}`.trim()}
      data-action={props.action}
      onClick={() => props.act(props.action)}
      aria-keyshortcuts={k ? keyLabel(k) : undefined}
      aria-pressed={props.pressed}
    >
      {props.label} {k && <Kbd k={keyLabel(k)} />}
    </button>
  );
}

function PauseDialog({ onPick, onCancel }: { onPick: (r: string) => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
    ref.current?.querySelector('button')?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="pause-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      onKeyDown={(e) => {
        const d = digitOf(e);
        const i = d === null ? -1 : Number(d) - 1;
        if (i >= 0 && i < PAUSE_REASONS.length) {
          e.preventDefault();
          onPick(PAUSE_REASONS[i]!);
        }
      }}
    >
      <h2 id="pause-title">Motif de la pause</h2>
      <div class="keys">
        {PAUSE_REASONS.map((r, i) => (
          <button type="button" key={r} onClick={() => onPick(r)}>
            {r} <Kbd k={String(i + 1)} />
          </button>
        ))}
        <button type="button" onClick={onCancel}>
          Annuler <Kbd k="Échap" />
        </button>
      </div>
    </dialog>
  );
}

/** The queue the next P1 / P2 goes to: a digit each, 0 for the site's default. */
function TargetDialog(props: {
  queues: NonNullable<WebConfig['site']>['queues'];
  current: string | null;
  onPick: (to: string | null) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const shown = props.queues.slice(0, 9);
  useEffect(() => {
    ref.current?.showModal();
    ref.current?.querySelector('button')?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="target-title"
      data-testid="target-dialog"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
      onKeyDown={(e) => {
        const d = digitOf(e);
        if (d === null) return;
        const i = Number(d);
        if (i === 0) props.onPick(null);
        else if (i <= shown.length) props.onPick(shown[i - 1]!.id);
        else return;
        e.preventDefault();
      }}
    >
      <h2 id="target-title">Destination du prochain transfert</h2>
      <div class="keys">
        <button type="button" onClick={() => props.onPick(null)} aria-pressed={props.current === null}>
          File par défaut (P1 / P2) <Kbd k="0" />
        </button>
        {shown.map((q, i) => (
          <button
            type="button"
            key={q.id}
            data-queue={q.id}
            onClick={() => props.onPick(q.id)}
            aria-pressed={props.current === q.id}
          >
            {q.name} <Kbd k={String(i + 1)} />
          </button>
        ))}
        <button type="button" onClick={props.onCancel}>
          Annuler <Kbd k="Échap" />
        </button>
      </div>
    </dialog>
  );
}

function dispositionKeys(ids: string[]): KeyMap {
  const m: KeyMap = {};
  ids.slice(0, DISPOSITION_KEYS.length).forEach((id, i) => (m[DISPOSITION_KEYS[i]!] = `dispo:${id}`));
  return m;
}

/** Where a call goes on from this step: the same branch's later stages (regulation, booking). */
function onwardQueues(
  queues: NonNullable<WebConfig['site']>['queues'],
  step: { stage: string; branch: string },
) {
  const order = ['n1', 'n2', 'regulation', 'booking'];
  return queues.filter((q) => q.branch === step.branch && order.indexOf(q.stage) > order.indexOf(step.stage));
}

function isMg(queueIds: string[], site: WebConfig['site']): boolean {
  return queueIds.some((id) => queueOf(site, id)?.branch === 'mg');
}

/** A step's map reduced to some of its actions. */
function only(map: KeyMap, actions: string[]): KeyMap {
  return Object.fromEntries(Object.entries(map).filter(([, a]) => actions.includes(a)));
}

function keyLabelOf(map: KeyMap, action: string): string | null {
  const k = keyOf(map, action);
  return k ? keyLabel(k) : null;
}

function agentTitle(name: string, roles: string[]): string {
  const r = roles.map((x) => ROLE[x] ?? x).join(', ');
  return r && !name.includes(r) ? `${name} (${r})` : name;
}

/** The agent is on an outbound call it placed that nobody answered yet (its phone rings first). */
function placingCall(d: Desk | null): boolean {
  return d?.call?.direction === 'outbound' && d.call.firstAnsweredAt === null && d.agent.callId === d.call.id;
}
