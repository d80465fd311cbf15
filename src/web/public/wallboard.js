// The room's wallboard: QS 30 s, queues (waiting, oldest wait, ringing, staff), agents, alarms and
// live calls, from the /supervisor feed (a snapshot, then coalesced deltas, at most 4 a second).
import { escapeHtml, loginForm, seconds, session, STATUS_FR, webConfig } from './common.js';

const root = document.getElementById('app');
let room = null;
let skew = 0; // server clock minus ours

const pct = (v) => (v === null || v === undefined ? '—' : `${Math.round(v * 1000) / 10} %`);

function apply(snapshot) {
  room = {
    ...snapshot,
    agents: new Map(snapshot.agents.map((a) => [a.id, a])),
    calls: new Map(snapshot.calls.map((c) => [c.id, c])),
    alarms: new Map(snapshot.alarms.map((a) => [a.id, a])),
  };
}

function merge(d) {
  if (!room || d.siteId !== room.siteId || d.seq <= room.seq) return;
  Object.assign(room, {
    seq: d.seq,
    serverTime: d.serverTime,
    mode: d.mode,
    period: d.period,
    qs30: d.qs30,
    queues: d.queues,
    lineSwitches: d.lineSwitches,
  });
  for (const a of d.agents) room.agents.set(a.id, { ...room.agents.get(a.id), ...a });
  for (const c of d.calls) room.calls.set(c.id, c);
  for (const id of d.removedCalls) room.calls.delete(id);
  for (const a of d.alarms) room.alarms.set(a.id, a);
  for (const id of d.clearedAlarms) room.alarms.delete(id);
}

function render() {
  if (!room) return;
  const now = Date.now() + skew;
  const q = room.qs30 ?? {};
  root.innerHTML = `
    <header>
      <h1>Supervision SAS ${escapeHtml(room.siteId)}</h1>
      <span class="badge">${room.period === 'pdsa' ? 'Horaires PDSA' : 'Horaires SAS'}</span>
      <span class="badge">${room.mode === 'one-level' ? 'Décroché mono-niveau' : 'Décroché bi-niveau'}</span>
    </header>
    <section class="qs" data-testid="qs30">
      <div><span class="big">${pct(q.last15min)}</span>QS 30 s — 15 min</div>
      <div><span class="big">${pct(q.lastHour)}</span>QS 30 s — 1 h</div>
      <div><span class="big">${pct(q.today)}</span>QS 30 s — aujourd’hui</div>
    </section>
    <section class="alarms" data-testid="alarms">
      ${[...room.alarms.values()].map((a) => `<p class="alarm alarm-${escapeHtml(a.kind)}">⚠ ${escapeHtml(a.message)}</p>`).join('') || '<p class="ok">Aucune alarme</p>'}
    </section>
    <table class="queues" data-testid="queues">
      <thead><tr><th>File</th><th>En attente</th><th>Plus ancienne</th><th>Sonnerie</th><th>Agents connectés</th><th>Disponibles</th></tr></thead>
      <tbody>${room.queues
        .map(
          (
            x,
          ) => `<tr data-queue="${escapeHtml(x.id)}" class="${x.oldestWaitingSince && now - x.oldestWaitingSince >= x.thresholdSeconds * 1000 ? 'late' : ''}">
            <td>${escapeHtml(x.name)}</td><td class="waiting">${x.waiting}</td>
            <td>${x.oldestWaitingSince ? seconds(now - x.oldestWaitingSince) : '—'}</td>
            <td>${x.offered}</td><td>${x.agentsLoggedIn}</td><td>${x.agentsAvailable}</td></tr>`,
        )
        .join('')}</tbody>
    </table>
    <section class="agents" data-testid="agents">
      ${[...room.agents.values()]
        .filter((a) => a.status !== 'logged-out')
        .map(
          (a) =>
            `<div class="agent status-${a.status}"><b>${escapeHtml(a.name)}</b><br>${STATUS_FR[a.status]}${a.pauseReason ? ` (${escapeHtml(a.pauseReason)})` : ''} · ${seconds(now - a.since)}</div>`,
        )
        .join('')}
    </section>
    <p class="footer">${room.calls.size} appels en cours · mise à jour ${new Date(room.serverTime).toLocaleTimeString('fr-FR')}</p>`;
}

async function main() {
  const config = await webConfig();
  let s = session();
  if (!s || !s.user.roles.some((r) => r === 'supervisor' || r === 'admin'))
    s = await loginForm(root, 'Supervision — connexion');
  const socket = window.io('/supervisor', {
    auth: { token: s.accessToken, sites: [config.siteId] },
    transports: ['websocket'],
  });
  socket.on('snapshot', (snap) => {
    skew = snap.serverTime - Date.now();
    apply(snap);
    render();
  });
  socket.on('delta', (d) => {
    skew = d.serverTime - Date.now();
    merge(d);
    render();
  });
  socket.on(
    'connect_error',
    (err) => (root.innerHTML = `<p class="error">Connexion refusée : ${escapeHtml(err.message)}</p>`),
  );
  socket.on('expired', () => location.reload());
  setInterval(render, 1000);
}

void main();
