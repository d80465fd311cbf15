// The agent's WebRTC phone: JsSIP (a SIP user agent over WebSocket, maintained since 2012, used with
// Asterisk, FreeSWITCH and Kamailio) registering to the site's SIP/WebRTC gateway. Behind the same
// `Phone` interface as the demo's virtual phone: the ACD rings the agent's endpoint, this phone
// rings, `answer()` picks up with the microphone. Hold and transfer stay ACD commands.
import { UA, WebSocketInterface } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { Phone } from './phone.js';

export type WebRtcOptions = {
  /** The gateway's WebSocket, e.g. wss://pbx.example:8089/ws (Asterisk) or wss://fs:7443 (FreeSWITCH). */
  wsUrl: string;
  /** The agent's SIP address, e.g. sip:arm-1@pbx.example. */
  uri: string;
  password?: string;
  /** Auto-answer seats pick up at once. */
  autoAnswer?: () => boolean;
  /** Remote audio plays here (the speaker chosen with setSinkId where the browser allows it). */
  audio?: HTMLAudioElement;
  onState?: (
    state: 'registered' | 'unregistered' | 'failed' | 'ringing' | 'talking' | 'ended',
    why?: string,
  ) => void;
};

export type WebRtcPhone = Phone & {
  /** Places a call (tests, click-to-dial later). */
  call(target: string): void;
  hangUp(): void;
  /** The peer connection of the current call (RTP statistics). */
  connection(): RTCPeerConnection | null;
};

export function webRtcPhone(o: WebRtcOptions): WebRtcPhone {
  const ua = new UA({
    sockets: [new WebSocketInterface(o.wsUrl)],
    uri: o.uri,
    ...(o.password !== undefined ? { password: o.password } : {}),
    register: true,
    session_timers: false,
  });
  let session: RTCSession | null = null;
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
      o.onState?.('ended');
    });
    s.on('failed', (e: { cause?: string }) => {
      session = null;
      o.onState?.('ended', e.cause);
    });
  };
  ua.on('registered', () => o.onState?.('registered'));
  ua.on('unregistered', () => o.onState?.('unregistered'));
  ua.on('registrationFailed', (e: { cause?: string }) => o.onState?.('failed', e.cause));
  ua.on('newRTCSession', (e: { originator: string; session: RTCSession }) => {
    if (e.originator !== 'remote') return;
    if (session) return void e.session.terminate({ status_code: 486 });
    track(e.session);
    e.session.on('peerconnection', () => play(e.session));
    o.onState?.('ringing');
    if (o.autoAnswer?.()) answerNow(e.session);
  });
  const answerNow = (s: RTCSession) => {
    s.answer({ mediaConstraints: { audio: true, video: false } });
    play(s);
  };
  ua.start();
  return {
    answer() {
      if (!session || session.isEstablished()) return false;
      answerNow(session);
      return true;
    },
    call(target) {
      const s = ua.call(target, { mediaConstraints: { audio: true, video: false } });
      track(s);
      play(s);
    },
    hangUp() {
      session?.terminate();
    },
    connection: () => session?.connection ?? null,
    close() {
      session?.terminate();
      ua.stop();
    },
  };
}
