// /phone-check.html: a site tries its SIP/WebRTC gateway from a browser (registration, a call,
// the microphone) without the ACD. The browser tests drive the same WebRTC phone through it.
import { render } from 'preact';
import { useState } from 'preact/hooks';
import '../styles.css';
import { webRtcPhone, type WebRtcPhone } from './webrtc-phone.js';

(window as unknown as { webRtcPhone: typeof webRtcPhone }).webRtcPhone = webRtcPhone;

function PhoneCheck() {
  const [state, setState] = useState('non enregistré');
  const [phone, setPhone] = useState<WebRtcPhone | null>(null);
  const [target, setTarget] = useState('');
  return (
    <form
      class="login"
      onSubmit={(e) => {
        e.preventDefault();
        const d = new FormData(e.currentTarget);
        phone?.close();
        setPhone(
          webRtcPhone({
            wsUrl: String(d.get('ws')),
            uri: String(d.get('uri')),
            password: String(d.get('password') ?? ''),
            audio: document.querySelector('audio') ?? undefined,
            onState: (s, why) => setState(why ? `${s} (${why})` : s),
          }),
        );
      }}
    >
      <h1>Essai du téléphone WebRTC</h1>
      <label>
        Passerelle (WebSocket)
        <input name="ws" placeholder="wss://pbx.exemple.fr:8089/ws" required />
      </label>
      <label>
        Adresse SIP
        <input name="uri" placeholder="sip:arm-1@pbx.exemple.fr" required />
      </label>
      <label>
        Mot de passe
        <input name="password" type="password" />
      </label>
      <button type="submit" class="primary">
        S’enregistrer
      </button>
      <p role="status" data-testid="phone-state">
        État : {state}
      </p>
      <label>
        Appeler
        <input value={target} onInput={(e) => setTarget(e.currentTarget.value)} placeholder="sip:…" />
      </label>
      <div class="row">
        <button type="button" onClick={() => phone?.call(target)} disabled={!phone || !target}>
          Appeler
        </button>
        <button type="button" onClick={() => phone?.answer()} disabled={!phone}>
          Décrocher
        </button>
        <button type="button" onClick={() => phone?.hangUp()} disabled={!phone}>
          Raccrocher
        </button>
      </div>
      <audio autoPlay />
    </form>
  );
}

render(<PhoneCheck />, document.getElementById('app')!);
