// The ARM panel (bandeau téléphonique): keyboard-first. F1 P0 (garde + médecin), F2 P1 → N2 AMU,
// F3 P2 → N2 MG, F4 DR, F6 médecin, F8 raccrocher, F9 prêt, F10 pause, Entrée décrocher; the digits
// 0/1/2 also qualify when no field has the focus. Its virtual phone (demo) answers by itself.
import { api, escapeHtml, forget, loginForm, seconds, session, STATUS_FR, webConfig } from './common.js';

const root = document.getElementById('app');
let desk = null;
let siteId = null;
let ringing = null; // { channelId } on the virtual phone
let phone = null;
let message = '';
let draft = { callId: null, name: '', phone: '' }; // what the ARM typed in the DRM fields

function talkTime() {
  const c = desk?.call;
  const now = Date.now() + (desk ? desk.serverTime - desk.receivedAt : 0);
  return c?.parties[0] ? seconds(now - c.parties[0].since) : '—';
}

function render() {
  const a = desk?.agent;
  const c = desk?.call;
  if (c && draft.callId !== c.id) {
    draft = {
      callId: c.id,
      name: c.drm?.name ?? c.callerName ?? '',
      phone: c.drm?.phone ?? c.callerNumber ?? '',
    };
  }
  const focused = document.activeElement?.id;
  root.innerHTML = `
    <header>
      <strong>${escapeHtml(a?.name ?? '')}</strong>
      <span class="badge status-${a?.status ?? 'logged-out'}" data-testid="status">${STATUS_FR[a?.status ?? 'logged-out']}${
        a?.pauseReason ? ` (${escapeHtml(a.pauseReason)})` : ''
      }</span>
      <span class="actions">
        ${a?.status === 'logged-out' ? '<button data-act="login">Se connecter au poste</button>' : ''}
        <button data-act="ready" title="F9">Prêt <kbd>F9</kbd></button>
        <button data-act="pause" title="F10">Pause <kbd>F10</kbd></button>
        <button data-act="quit">Quitter</button>
      </span>
    </header>
    <section class="call ${c ? 'active' : ''}" data-testid="call">
      ${
        c
          ? `<h2>Appel ${escapeHtml(c.line)} ${c.qualification ? `<span class="q q-${c.qualification}">${c.qualification}</span>` : ''}</h2>
        <p class="caller" data-testid="caller">${escapeHtml(c.callerNumber ?? 'Numéro masqué')} ${escapeHtml(c.callerName ?? '')}</p>
        <p>Attente avant décroché : ${c.firstAnsweredAt ? seconds(c.firstAnsweredAt - c.arrivedAt) : '—'} ·
           En ligne depuis : <span id="talk">${talkTime()}</span></p>
        ${a?.status === 'offered' ? '<button class="answer" data-act="answer">Décrocher <kbd>Entrée</kbd></button>' : ''}
        <div class="drm">
          <label>Nom <input id="drm-name" data-field="name" value="${escapeHtml(draft.name)}"></label>
          <label>Téléphone <input id="drm-phone" data-field="phone" value="${escapeHtml(draft.phone)}"></label>
        </div>
        <div class="keys">
          <button class="q-P0" data-act="P0">P0 garde + médecin <kbd>F1</kbd></button>
          <button class="q-P1" data-act="P1">P1 → AMU <kbd>F2</kbd></button>
          <button class="q-P2" data-act="P2">P2 → MG <kbd>F3</kbd></button>
          <button data-act="DR">DR <kbd>F4</kbd></button>
          <button data-act="doctor">Médecin <kbd>F6</kbd></button>
          <button class="hangup" data-act="hangup">Raccrocher <kbd>F8</kbd></button>
        </div>`
          : '<p class="idle">Aucun appel</p>'
      }
    </section>
    <p class="message" role="status" data-testid="message">${escapeHtml(message)}</p>
    <footer>Aujourd'hui : ${desk?.stats?.answered ?? 0} appels, ${desk?.stats?.qualified ?? 0} qualifiés,
      ${desk?.stats?.transferred ?? 0} transférés, durée moyenne ${Math.round(desk?.stats?.meanTalkSeconds ?? 0)} s</footer>`;
  const field = focused ? document.getElementById(focused) : null;
  if (field instanceof HTMLInputElement) {
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  }
}

function say(text) {
  message = text;
  render();
}

async function act(name) {
  const c = desk?.call;
  const a = desk?.agent;
  const base = `/sites/${siteId}`;
  const drm = () => ({ name: draft.name, phone: draft.phone });
  try {
    switch (name) {
      case 'login':
        return say((await api('POST', `${base}/agent/login`), 'Connecté au poste'));
      case 'ready':
        return say((await api('POST', `${base}/agent/ready`), 'Prêt'));
      case 'pause':
        return say((await api('POST', `${base}/agent/pause`, { reason: 'pause' }), 'En pause'));
      case 'quit':
        forget();
        return location.reload();
      case 'answer':
        if (ringing && phone)
          phone.send(JSON.stringify({ type: 'answer', endpoint: `PJSIP/${a.id}`, channelId: ringing }));
        else if (c) await api('POST', `${base}/calls/${c.id}/answer`);
        return;
    }
    if (!c) return say('Aucun appel en cours');
    const call = `${base}/calls/${c.id}`;
    switch (name) {
      case 'P0':
        await api('POST', `${call}/qualify`, { qualification: 'P0', ...drm() });
        await api('POST', `${call}/doctor`);
        return say('P0 : appel gardé, médecin urgentiste appelé');
      case 'P1':
      case 'P2':
        await api('POST', `${call}/qualify`, { qualification: name, ...drm() });
        await api('POST', `${call}/transfer`, {});
        return say(`${name} transféré vers ${name === 'P1' ? 'AMU' : 'MG'}`);
      case 'DR':
        await api('POST', `${call}/qualify`, { qualification: 'DR', ...drm() });
        return say('DR enregistré : raccrochez en fin d’appel (F8)');
      case 'doctor':
        await api('POST', `${call}/doctor`);
        return say('Médecin appelé en conférence');
      case 'hangup':
        await api('POST', `${call}/hangup`, {});
        return say(c.qualification ? 'Appel terminé' : 'Appel terminé sans dossier');
    }
  } catch (err) {
    say(err.message);
  }
}

const KEYS = {
  F1: 'P0',
  F2: 'P1',
  F3: 'P2',
  F4: 'DR',
  F6: 'doctor',
  F8: 'hangup',
  F9: 'ready',
  F10: 'pause',
  Enter: 'answer',
};
const DIGITS = { 0: 'P0', 1: 'P1', 2: 'P2' };

function onKey(e) {
  const inField = e.target instanceof HTMLInputElement;
  const name = KEYS[e.key] ?? (inField ? undefined : DIGITS[e.key]);
  if (!name || (e.key === 'Enter' && (inField || desk?.agent?.status !== 'offered'))) return;
  e.preventDefault();
  void act(name);
}

/** The demo's virtual phone on sim-pbx: it rings, and answers at once for an auto-answer seat. */
function startPhone(url, agent) {
  const ws = new WebSocket(url);
  ws.addEventListener('open', () =>
    ws.send(JSON.stringify({ type: 'register', endpoint: `PJSIP/${agent.id}` })),
  );
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === 'invite') {
      ringing = msg.channelId;
      if (desk?.agent?.autoAnswer)
        ws.send(JSON.stringify({ type: 'answer', endpoint: `PJSIP/${agent.id}`, channelId: msg.channelId }));
    }
    if (msg.type === 'cancelled' || msg.type === 'hungup') ringing = null;
  });
  return ws;
}

async function main() {
  const config = await webConfig();
  siteId = config.siteId;
  let s = session();
  if (!s?.user?.agentId) s = await loginForm(root, 'Panneau ARM — connexion');
  const socket = window.io('/agent', { auth: { token: s.accessToken }, transports: ['websocket'] });
  const onDesk = (d) => {
    if (d.siteId !== siteId) return;
    desk = { ...d, receivedAt: Date.now() };
    if (!phone && config.virtualPhoneUrl && d.agent) phone = startPhone(config.virtualPhoneUrl, d.agent);
    render();
  };
  socket.on('snapshot', onDesk);
  socket.on('update', onDesk);
  socket.on('offer', (o) => say(`Appel entrant (${o.call?.line ?? ''})`));
  socket.on('connect_error', (err) => say(`Connexion refusée : ${err.message}`));
  socket.on('expired', () => location.reload());
  root.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-act]');
    if (button) void act(button.dataset.act);
  });
  root.addEventListener('input', (e) => {
    const field = e.target.dataset?.field;
    if (field) draft[field] = e.target.value;
  });
  document.addEventListener('keydown', onKey);
  setInterval(() => {
    const talk = document.getElementById('talk');
    if (talk) talk.textContent = talkTime();
  }, 1000);
  render();
}

void main();
