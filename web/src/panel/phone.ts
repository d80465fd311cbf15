// The agent's phone behind one interface. Implemented here: the demo's virtual phone on sim-pbx
// (a WebSocket to its endpoint server) and, without one, the ACD's answer command (an outside SIP
// phone rings; the panel answers for it). A JsSIP WebRTC phone would be a third implementation.
// Every offer alerts the person: ring tone (or a short beep when the seat auto-answers), the tab
// title flashing, and a desktop notification when the page is hidden.
export interface Phone {
  /** Answers the ringing call; false when this phone cannot (the panel then asks the ACD). */
  answer(): boolean;
  close(): void;
}

export function virtualPhone(url: string, agentId: string, autoAnswer: () => boolean): Phone {
  const endpoint = `PJSIP/${agentId}`;
  let ringing: string | null = null;
  const ws = new WebSocket(url);
  ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'register', endpoint })));
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(String(m.data)) as { type: string; channelId?: string };
    if (msg.type === 'invite' && msg.channelId) {
      ringing = msg.channelId;
      if (autoAnswer()) {
        ws.send(JSON.stringify({ type: 'answer', endpoint, channelId: msg.channelId }));
        ringing = null;
      }
    }
    if (msg.type === 'cancelled' || msg.type === 'hungup') ringing = null;
  });
  return {
    answer() {
      if (!ringing || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify({ type: 'answer', endpoint, channelId: ringing }));
      ringing = null;
      return true;
    },
    close: () => ws.close(),
  };
}

export const acdAnswer: Phone = { answer: () => false, close: () => undefined };

let audio: AudioContext | null = null;
let ringTimer: ReturnType<typeof setInterval> | undefined;
let flashTimer: ReturnType<typeof setInterval> | undefined;
let baseTitle = '';

function tone(freq: number, ms: number) {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.value = 0.08;
    osc.frequency.value = freq;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + ms / 1000);
  } catch {
    // no audio output: the title and the notification still alert
  }
}

/** Starts alerting for an offer: ring (or one beep for auto-answer), title flash, notification. */
export function alertOffer(text: string, autoAnswer: boolean) {
  stopAlert();
  baseTitle = document.title;
  if (autoAnswer) tone(880, 150);
  else {
    tone(440, 400);
    ringTimer = setInterval(() => tone(440, 400), 1500);
  }
  let on = false;
  flashTimer = setInterval(() => {
    on = !on;
    document.title = on ? `☎ ${text}` : baseTitle;
  }, 700);
  if (document.hidden && 'Notification' in window && Notification.permission === 'granted')
    new Notification('Appel entrant', { body: text, tag: 'sas-acd-offer' });
}

export function stopAlert() {
  clearInterval(ringTimer);
  clearInterval(flashTimer);
  if (baseTitle) document.title = baseTitle;
  baseTitle = '';
}

/** Asked once, on the person's first action (browsers require a gesture). */
export function askNotificationPermission() {
  if ('Notification' in window && Notification.permission === 'default')
    void Notification.requestPermission().catch(() => undefined);
}
