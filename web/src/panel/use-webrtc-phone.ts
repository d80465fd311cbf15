// The panel's WebRTC phone, when the site has a SIP/WebRTC gateway (/web-config.json
// `sipGatewayUrl`): checks the microphone first (a phone that cannot speak must not register, or
// the ACD would ring a seat that cannot answer), fetches the agent's own credentials from the API,
// registers, and keeps a state the panel shows as a badge. Microphone and speaker choices are kept
// per workstation (localStorage: a headset stays chosen from one shift to the next).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../session.js';
import { webRtcPhone, type WebRtcPhone } from './webrtc-phone.js';

export type PhoneState =
  | { kind: 'off' }
  | { kind: 'checking' }
  | { kind: 'connecting' }
  | { kind: 'ready' }
  | { kind: 'ringing' }
  | { kind: 'talking' }
  | { kind: 'mic-refused'; insecure?: boolean }
  | { kind: 'mic-absent' }
  | { kind: 'unreachable' }
  | { kind: 'refused'; why: string }
  | { kind: 'no-credentials'; why: string };

/** States in which the seat cannot take a call on this phone. */
export const phoneDead = (s: PhoneState): boolean =>
  ['mic-refused', 'mic-absent', 'unreachable', 'refused', 'no-credentials'].includes(s.kind);

type Credentials = {
  wsUrl: string;
  uri: string;
  authorizationUser: string;
  password: string | null;
  displayName: string;
};
export type Device = { id: string; label: string };
/** Where the calls' sound goes: the chosen output, the default one, or the default one because
 *  the chosen output is unplugged (`absent`) or refused to play (`failed`). */
export type SpeakerState = 'chosen' | 'default' | 'absent' | 'failed';

const MIC_KEY = 'sas-acd.microphone';
const SPEAKER_KEY = 'sas-acd.speaker';
const stored = (k: string) => {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
};
const store = (k: string, v: string | null) => {
  try {
    if (v) localStorage.setItem(k, v);
    else localStorage.removeItem(k);
  } catch {
    // private mode: the choice lasts for the page
  }
};

/** Asks for the microphone once (also what lets the device list show names). */
async function checkMicrophone(): Promise<PhoneState | null> {
  if (!navigator.mediaDevices?.getUserMedia) return { kind: 'mic-refused', insecure: true };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    stream.getTracks().forEach((t) => t.stop());
    return null;
  } catch (err) {
    const name = (err as DOMException).name;
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return { kind: 'mic-absent' };
    return { kind: 'mic-refused' };
  }
}

async function listDevices(): Promise<{ mics: Device[]; speakers: Device[] }> {
  const all = await navigator.mediaDevices.enumerateDevices().catch(() => []);
  const pick = (kind: MediaDeviceKind, word: string) =>
    all
      .filter((d) => d.kind === kind && d.deviceId)
      .map((d, i) => ({ id: d.deviceId, label: d.label || `${word} ${i + 1}` }));
  return { mics: pick('audioinput', 'Micro'), speakers: pick('audiooutput', 'Sortie') };
}

export const canChooseSpeaker =
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function useWebRtcPhone(o: { enabled: boolean; siteId: string; autoAnswer: () => boolean }) {
  const [state, setState] = useState<PhoneState>({ kind: o.enabled ? 'checking' : 'off' });
  const [muted, setMuted] = useState(false);
  const [devices, setDevices] = useState<{ mics: Device[]; speakers: Device[] }>({ mics: [], speakers: [] });
  const [mic, setMic] = useState<string | null>(stored(MIC_KEY));
  const [speaker, setSpeaker] = useState<string | null>(stored(SPEAKER_KEY));
  const [attempt, setAttempt] = useState(0);
  /** The last microphone choice made during a call: put on that call, or kept for the next. */
  const [micSwitch, setMicSwitch] = useState<'applied' | 'failed' | null>(null);
  const phone = useRef<WebRtcPhone | null>(null);
  const audio = useRef<HTMLAudioElement | null>(null);
  const micRef = useRef(mic);
  micRef.current = mic;
  const autoAnswer = useRef(o.autoAnswer);
  autoAnswer.current = o.autoAnswer;

  useEffect(() => {
    if (!o.enabled) return;
    let closed = false;
    audio.current ??= Object.assign(new Audio(), { autoplay: true });
    setState({ kind: 'checking' });
    void (async () => {
      const micProblem = await checkMicrophone();
      if (closed) return;
      if (micProblem) return setState(micProblem);
      setDevices(await listDevices());
      let creds: Credentials;
      try {
        creds = await api<Credentials>('GET', `/sites/${o.siteId}/agent/phone`);
      } catch (err) {
        if (!closed)
          setState({
            kind: 'no-credentials',
            why: err instanceof ApiError ? err.message : 'identifiants du téléphone indisponibles',
          });
        return;
      }
      if (closed) return;
      setState({ kind: 'connecting' });
      phone.current = webRtcPhone({
        wsUrl: creds.wsUrl,
        uri: creds.uri,
        authorizationUser: creds.authorizationUser,
        displayName: creds.displayName,
        ...(creds.password ? { password: creds.password } : {}),
        audio: audio.current!,
        microphone: () => micRef.current,
        autoAnswer: () => autoAnswer.current(),
        onState: (s, why) => {
          if (closed) return;
          if (s === 'registered' || s === 'ended') setState({ kind: 'ready' });
          else if (s === 'ringing') setState({ kind: 'ringing' });
          else if (s === 'talking') setState({ kind: 'talking' });
          else if (s === 'unreachable') setState({ kind: 'unreachable' });
          else if (s === 'failed') setState({ kind: 'refused', why: why ?? '' });
          else if (s === 'mic-refused') setState({ kind: 'mic-refused' });
          if (s === 'ended' || s === 'talking') setMuted(false);
          if (s === 'ended') setMicSwitch(null);
        },
      });
    })();
    const onDevices = () => void listDevices().then((d) => !closed && setDevices(d));
    navigator.mediaDevices?.addEventListener?.('devicechange', onDevices);
    return () => {
      closed = true;
      navigator.mediaDevices?.removeEventListener?.('devicechange', onDevices);
      phone.current?.close();
      phone.current = null;
    };
  }, [o.enabled, o.siteId, attempt]);

  // The calls' sound goes to the chosen output. A headset unplugged (not listed any more) or one
  // that refuses: the system's default output, said on the panel; the choice is kept, so the
  // headset plugged back in takes the sound again (devicechange lists it again).
  const [speakerState, setSpeakerState] = useState<SpeakerState>('default');
  const listed = devices.speakers.length > 0;
  useEffect(() => {
    const a = audio.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!a?.setSinkId) return;
    const absent = speaker !== null && listed && !devices.speakers.some((d) => d.id === speaker);
    const wanted = speaker && !absent ? speaker : '';
    let stale = false;
    a.setSinkId(wanted).then(
      () => !stale && setSpeakerState(absent ? 'absent' : wanted ? 'chosen' : 'default'),
      () => {
        if (stale) return;
        setSpeakerState('failed');
        void a.setSinkId!('').catch(() => undefined);
      },
    );
    return () => {
      stale = true;
    };
  }, [speaker, devices, state.kind === 'ready']);

  return {
    state,
    phone,
    muted,
    devices,
    mic,
    speaker,
    speakerState,
    micSwitch,
    chooseMic: (id: string | null) => {
      store(MIC_KEY, id);
      setMic(id);
      setMicSwitch(null);
      // The call in progress takes it at once (the next calls open it anyway).
      const p = phone.current;
      if (p && state.kind === 'talking')
        void p.switchMicrophone(id).then((ok) => setMicSwitch(ok ? 'applied' : 'failed'));
    },
    chooseSpeaker: (id: string | null) => {
      store(SPEAKER_KEY, id);
      setSpeaker(id);
    },
    toggleMute: () => {
      if (phone.current?.mute(!muted)) setMuted(!muted);
    },
    dtmf: (tone: string) => phone.current?.dtmf(tone) ?? false,
    retry: () => setAttempt((n) => n + 1),
  };
}
