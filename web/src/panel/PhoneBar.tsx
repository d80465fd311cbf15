// The WebRTC phone's strip on the desk: a badge that says in words whether the phone can take a
// call, a banner that cannot be missed when it cannot (microphone refused, gateway unreachable,
// registration refused), the microphone and speaker choice, mute and the DTMF keypad.
import { useState } from 'preact/hooks';
import { Kbd } from '../ui.js';
import { canChooseSpeaker, phoneDead, type PhoneState, type useWebRtcPhone } from './use-webrtc-phone.js';

type PhoneApi = ReturnType<typeof useWebRtcPhone>;

const BADGE: Record<PhoneState['kind'], { symbol: string; label: string; cls: string }> = {
  off: { symbol: '', label: '', cls: '' },
  checking: { symbol: '…', label: 'Téléphone : vérification du micro', cls: 'phone-wait' },
  connecting: { symbol: '…', label: 'Téléphone : connexion à la passerelle', cls: 'phone-wait' },
  ready: { symbol: '✔', label: 'Téléphone prêt', cls: 'phone-ok' },
  ringing: { symbol: '☎', label: 'Téléphone : sonnerie', cls: 'phone-ring' },
  talking: { symbol: '●', label: 'Téléphone : en communication', cls: 'phone-ok' },
  'mic-refused': { symbol: '✖', label: 'Téléphone hors service : micro refusé', cls: 'phone-dead' },
  'mic-absent': { symbol: '✖', label: 'Téléphone hors service : aucun micro', cls: 'phone-dead' },
  unreachable: { symbol: '✖', label: 'Téléphone hors service : passerelle injoignable', cls: 'phone-dead' },
  refused: { symbol: '✖', label: 'Téléphone hors service : enregistrement refusé', cls: 'phone-dead' },
  'no-credentials': { symbol: '✖', label: 'Téléphone hors service : non configuré', cls: 'phone-dead' },
};

/** Why the phone cannot take a call, in words (« micro refusé »). */
export const phoneProblem = (s: PhoneState): string => BADGE[s.kind].label.replace(/^[^:]*: /, '');

/** What the person does about a dead phone, in words. */
function remedy(s: PhoneState): string {
  switch (s.kind) {
    case 'mic-refused':
      return s.insecure
        ? 'Le navigateur ne donne le micro qu’aux pages sécurisées (https) : prévenez le support.'
        : 'Le navigateur a refusé le micro : autorisez-le pour ce site (icône à gauche de l’adresse), puis « Réessayer ».';
    case 'mic-absent':
      return 'Aucun micro détecté : branchez le casque, puis « Réessayer ».';
    case 'unreachable':
      return 'La passerelle téléphonique ne répond pas : nouvelle tentative automatique ; prévenez le superviseur si cela dure.';
    case 'refused':
      return `La passerelle a refusé l’enregistrement du poste${s.why ? ` (${s.why})` : ''} : prévenez le superviseur.`;
    case 'no-credentials':
      return `${s.why} : prévenez le superviseur.`;
    default:
      return '';
  }
}

export function PhoneBadge({ state }: { state: PhoneState }) {
  if (state.kind === 'off') return null;
  const b = BADGE[state.kind];
  return (
    <span class={`badge ${b.cls}`} data-testid="phone" data-state={state.kind}>
      <span aria-hidden="true">{b.symbol} </span>
      {b.label}
    </span>
  );
}

const DTMF = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** The alert when the phone is dead; mute and the DTMF keypad (one row) during a call. */
export function PhoneBar({ p, muteKey }: { p: PhoneApi; muteKey: string | null }) {
  const [keypad, setKeypad] = useState(false);
  if (p.state.kind === 'off') return null;
  if (phoneDead(p.state))
    return (
      <div class="banner banner-lost phone-alert" role="alert" data-testid="phone-alert">
        <span aria-hidden="true">⚠ </span>
        Téléphone hors service — vous ne pouvez pas recevoir d’appels.
        <span class="banner-sub"> {remedy(p.state)}</span>
        {p.state.kind !== 'unreachable' && (
          <button type="button" class="link" onClick={p.retry}>
            Réessayer
          </button>
        )}
      </div>
    );
  if (p.state.kind !== 'talking') return null;
  return (
    <div class="row phone-controls" aria-label="Téléphone">
      <button
        type="button"
        data-action="mute"
        onClick={p.toggleMute}
        aria-pressed={p.muted}
        class={p.muted ? 'danger' : ''}
      >
        {p.muted ? 'Micro coupé — rétablir' : 'Couper le micro'} {muteKey && <Kbd k={muteKey} />}
      </button>
      <button type="button" onClick={() => setKeypad(!keypad)} aria-expanded={keypad}>
        Clavier (DTMF)
      </button>
      {keypad && (
        <span class="dtmf" data-testid="dtmf" role="group" aria-label="Clavier DTMF">
          {DTMF.map((t) => (
            <button type="button" key={t} onClick={() => p.dtmf(t)}>
              {t}
            </button>
          ))}
        </span>
      )}
    </div>
  );
}

function speakerText(p: PhoneApi): string {
  const label = p.devices.speakers.find((d) => d.id === p.speaker)?.label;
  switch (p.speakerState) {
    case 'chosen':
      return `Son des appels sur : ${label ?? 'l’écouteur choisi'}.`;
    case 'absent':
      return '⚠ L’écouteur choisi n’est plus branché : le son passe par la sortie par défaut du système.';
    case 'failed':
      return '⚠ Cet écouteur ne répond pas : le son passe par la sortie par défaut du système.';
    default:
      return 'Son des appels sur la sortie par défaut du système.';
  }
}

/** Microphone and speaker, kept per workstation; at the foot of the desk (set once a shift). */
export function PhoneDevices({ p }: { p: PhoneApi }) {
  if (p.state.kind === 'off') return null;
  return (
    <details class="phone-devices">
      <summary>Micro et écouteur</summary>
      <div class="row">
        <label>
          Micro{' '}
          <select
            value={p.mic ?? ''}
            onChange={(e) => p.chooseMic(e.currentTarget.value || null)}
            data-testid="microphone"
          >
            <option value="">Par défaut du système</option>
            {p.devices.mics.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        {canChooseSpeaker && (
          <label>
            Écouteur{' '}
            <select
              value={p.speakerState === 'chosen' ? (p.speaker ?? '') : ''}
              onChange={(e) => p.chooseSpeaker(e.currentTarget.value || null)}
              data-testid="speaker"
            >
              <option value="">Par défaut du système</option>
              {p.devices.speakers.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {canChooseSpeaker && (
          <span
            class={`hint ${p.speakerState === 'absent' || p.speakerState === 'failed' ? 'tone-error' : ''}`}
            role="status"
            data-testid="speaker-state"
          >
            {speakerText(p)}
          </span>
        )}
        <span class="hint" role="status" data-testid="mic-switch">
          {p.micSwitch === 'applied'
            ? 'Micro changé pour l’appel en cours.'
            : p.micSwitch === 'failed'
              ? 'Ce micro ne s’ouvre pas : l’appel en cours garde le sien ; il servira dès l’appel suivant.'
              : 'Le micro choisi sert aussitôt, même pendant un appel.'}
        </span>
      </div>
    </details>
  );
}
