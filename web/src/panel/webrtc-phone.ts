// The agent's WebRTC phone: JsSIP (a SIP user agent over WebSocket, maintained since 2012, used with
// Asterisk, FreeSWITCH and Kamailio) registering to the site's SIP/WebRTC gateway. Behind the same
// `Phone` interface as the demo's virtual phone: the ACD rings the agent's endpoint, this phone
// rings, `answer()` picks up with the microphone. Hold and transfer stay ACD commands. A microphone
// chosen during a call replaces the sender's track (RTCRtpSender.replaceTrack, no re-INVITE).
import { UA, WebSocketInterface } from 'jssip';
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants.js';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { IncomingRequest } from 'jssip/lib/SIPMessage.js';
import type { Phone } from './phone.js';

export type WebRtcState =
  'registered' | 'unregistered' | 'failed' | 'unreachable' | 'ringing' | 'talking' | 'ended' | 'mic-refused';

export type WebRtcOptions = {
  /** The gateway's WebSocket, e.g. wss://pbx.example:8089/ws (Asterisk) or wss://fs:7443 (FreeSWITCH). */
  wsUrl: string;
  /** The agent's SIP address, e.g. sip:arm-1@pbx.example. */
  uri: string;
  password?: string;
  authorizationUser?: string;
  displayName?: string;
  /** Auto-answer seats pick up at once (so does an INVITE with Call-Info answer-after=0, the ACD's). */
  autoAnswer?: () => boolean;
  /** Remote audio plays here (the speaker chosen with setSinkId where the browser allows it). */
  audio?: HTMLAudioElement;
  /** The microphone to use (a deviceId from enumerateDevices); the browser's default otherwise. */
  microphone?: () => string | null;
  onState?: (state: WebRtcState, why?: string) => void;
};

export type WebRtcPhone = Phone & {
  /** Places a call (tests, click-to-dial later), with extra SIP headers if any. */
  call(target: string, extraHeaders?: string[]): void;
  hangUp(): void;
  /** Mutes or unmutes the microphone of the current call; false without a call. */
  mute(on: boolean): boolean;
  /** Sends DTMF tones in the media (RFC 4733, Asterisk's `dtmf_mode = rfc4733`). */
  dtmf(tones: string): boolean;
  /** Puts another microphone (a deviceId, null: the system's default) on the call in progress,
   *  muted if the call was; false without an established call or when the device cannot be opened
   *  (the call keeps its microphone). */
  switchMicrophone(deviceId: string | null): Promise<boolean>;
  /** The peer connection of the current call (RTP statistics). */
  connection(): RTCPeerConnection | null;
};

/** The ACD's auto-answer hint (asterisk-config: `PJSIP_HEADER(add,Call-Info)` = answer-after=0). */
export const asksAutoAnswer = (request: IncomingRequest | undefined): boolean =>
  /answer-after\s*=\s*0\b/i.test(request?.getHeader('Call-Info') ?? '');

export function webRtcPhone(o: WebRtcOptions): WebRtcPhone {
  const ua = new UA({
    sockets: [new WebSocketInterface(o.wsUrl)],
    uri: o.uri,
    ...(o.password ? { password: o.password } : {}),
    ...(o.authorizationUser ? { authorization_user: o.authorizationUser } : {}),
    ...(o.displayName ? { display_name: o.displayName } : {}),
    register: true,
    session_timers: false,
    // A gateway back after a cut is found again within 10 s (JsSIP re-registers by itself).
    connection_recovery_min_interval: 2,
    connection_recovery_max_interval: 10,
  });
  let session: RTCSession | null = null;
  const audioOf = (mic: string | null | undefined) => (mic ? { deviceId: { exact: mic } } : true);
  const media = () => ({ audio: audioOf(o.microphone?.()), video: false });
  // Microphones opened for a switch during a call (JsSIP stops only the one it opened itself).
  let switched: MediaStreamTrack[] = [];
  const stopSwitched = () => {
    for (const t of switched) t.stop();
    switched = [];
  };
  const play = (s: RTCSession) => {
    s.connection?.addEventListener('track', (e) => {
      if (o.audio) o.audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    });
  };
  const track = (s: RTCSession) => {
    session = s;
    s.on('confirmed', () => o.onState?.('talking'));
    s.on('ended', () => {
      session = null;
      stopSwitched();
      o.onState?.('ended');
    });
    s.on('failed', (e: { cause?: string }) => {
      session = null;
      stopSwitched();
      // The browser refused the microphone: the call could not be answered (the PBX sees a failure).
      if (e.cause === 'User Denied Media Access') o.onState?.('mic-refused', e.cause);
      else o.onState?.('ended', e.cause);
    });
  };
  ua.on('registered', () => o.onState?.('registered'));
  ua.on('unregistered', () => o.onState?.('unregistered'));
  ua.on('disconnected', () => o.onState?.('unreachable'));
  ua.on('registrationFailed', (e: { cause?: string }) =>
    o.onState?.(e.cause === 'Connection Error' ? 'unreachable' : 'failed', e.cause),
  );
  ua.on('newRTCSession', (e: { originator: string; session: RTCSession; request: IncomingRequest }) => {
    if (e.originator !== 'remote') return;
    if (session) return void e.session.terminate({ status_code: 486 });
    track(e.session);
    e.session.on('peerconnection', () => play(e.session));
    o.onState?.('ringing');
    if (asksAutoAnswer(e.request) || o.autoAnswer?.()) answerNow(e.session);
  });
  const answerNow = (s: RTCSession) => {
    s.answer({ mediaConstraints: media() });
    play(s);
  };
  ua.start();
  return {
    answer() {
      if (!session || session.isEstablished()) return false;
      answerNow(session);
      return true;
    },
    call(target, extraHeaders = []) {
      const s = ua.call(target, { mediaConstraints: media(), extraHeaders });
      track(s);
      play(s);
    },
    hangUp() {
      session?.terminate();
    },
    mute(on) {
      if (!session?.isEstablished()) return false;
      if (on) session.mute({ audio: true });
      else session.unmute({ audio: true });
      return true;
    },
    dtmf(tones) {
      if (!session?.isEstablished()) return false;
      session.sendDTMF(tones, { transportType: 'RFC2833' as DTMF_TRANSPORT });
      return true;
    },
    async switchMicrophone(deviceId) {
      const s = session;
      const sender = s?.isEstablished()
        ? s.connection?.getSenders().find((x) => x.track?.kind === 'audio')
        : undefined;
      if (!s || !sender) return false;
      let track: MediaStreamTrack | undefined;
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: audioOf(deviceId), video: false });
        track = stream.getAudioTracks()[0];
      } catch {
        return false; // unplugged or refused: the call keeps the microphone it has
      }
      if (!track) return false;
      if (session !== s || s.isEnded()) {
        track.stop();
        return false;
      }
      const old = sender.track;
      track.enabled = old?.enabled ?? true; // JsSIP's mute is the track's `enabled`
      // The same sender, another track: no renegotiation with the PBX, the RTP stream goes on.
      await sender.replaceTrack(track);
      switched.push(track);
      old?.stop();
      return true;
    },
    connection: () => session?.connection ?? null,
    close() {
      if (session && !session.isEnded()) session.terminate();
      stopSwitched();
      ua.stop();
    },
  };
}
