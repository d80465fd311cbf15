// The supervisor's console: QS 30 s against the target, alarms to acknowledge, queues with
// today's figures, charts, the agents board with its actions, and the line switches. When the
// feed goes quiet (no answer to the liveness probe) the figures are greyed and a banner says
// since when they are frozen: a frozen screen must never look alive.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { clock, duration, percent, plural, ROLE, STATUS } from '../i18n.js';
import { LiveFeed, type LiveState } from '../live.js';
import { lineLabel, queueName, queueOf } from '../panel/labels.js';
import { api, ApiError, endSession, session } from '../session.js';
import type { AgentView, SiteDelta, SiteSnapshot, WebConfig } from '../types.js';
import { Confirm, ConnectionBanner, useNow } from '../ui.js';
import { useSiteConfig } from './site-config.js';
import { useWallMode } from './wall-mode.js';
import { Chart } from './Chart.js';
import { FallbackCard } from './FallbackCard.js';
import { Lines } from './Lines.js';
import { Trunks } from './Trunks.js';
import { Dependencies } from './Dependencies.js';
import { loadFigures, type Figures } from './indicators.js';
import { applyDelta, fromSnapshot, type Room } from './room.js';
import { AgentRow, QueueRow, type QueueRowProps } from './rows.js';

/** The target when the page has no site configuration (the server's illustrative default, src/core/qs-target.ts). */
const FALLBACK_QS_TARGET = 0.9;

type Pending = { title: string; text: string; run: () => Promise<unknown>; done: string } | null;
type WaitSample = { at: number; waiting: number };

export function Console({ config: firstConfig }: { config: WebConfig }) {
  // The site's labels and target, read again at every snapshot after the first: the server sends
  // one to the room when the configuration changes (PUT /config), so a change shows live.
  const config = useSiteConfig(firstConfig);
  const site = config.site;
  const siteId = config.siteId;
  // The site's configured target (qsTarget), or the illustrative default the server applies.
  const target = site?.qsTarget ?? FALLBACK_QS_TARGET;
  const feed = useMemo(() => new LiveFeed('/supervisor', { sites: [siteId] }), [siteId]);
  const [room, setRoom] = useState<Room | null>(null);
  const [live, setLive] = useState<LiveState>(feed.state);
  const [lastSeen, setLastSeen] = useState<number | null>(null);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const { wall, toggleWall } = useWallMode();
  const waits = useRef<WaitSample[]>([]);
  const snapshots = useRef(0);
  // bench web: a delta received → the console's DOM patched, into window.consoleRenderMs when the
  // benchmark set it (nothing is kept otherwise: a screen runs for twelve hours).
  const deltaAt = useRef(0);
  useLayoutEffect(() => {
    const sink = (window as { consoleRenderMs?: number[] }).consoleRenderMs;
    if (sink && deltaAt.current) sink.push(performance.now() - deltaAt.current);
    deltaAt.current = 0;
  });
  const ticking = useNow(feed.skewMs);
  // Stable, so that the memoised agent rows do not render again for a new closure.
  const confirmFirst = useCallback((p: NonNullable<Pending>) => setPending(p), []);
  // Today's figures per queue, as the rows show them: the same objects until the next read.
  const today = useMemo(() => todayByQueue(figures), [figures]);
  const waitSamples = waits.current;
  const waitData = useMemo(
    (): [number[], number[]] => [waitSamples.map((w) => w.at / 1000), waitSamples.map((w) => w.waiting)],
    [waitSamples],
  );

  useEffect(() => {
    const sample = (r: Room) => {
      const total = r.queues.reduce((n, q) => n + q.waiting + q.offered, 0);
      // A point when the count changes (or a minute on): the chart is redrawn only then.
      const last = waits.current[waits.current.length - 1];
      if (last && last.waiting === total && r.serverTime - last.at < 60_000) return;
      waits.current = [
        ...waits.current.filter((w) => w.at > r.serverTime - 3_600_000),
        { at: r.serverTime, waiting: total },
      ];
    };
    feed.socket.on('snapshot', (s: SiteSnapshot) => {
      if (s.siteId !== siteId) return;
      if (snapshots.current++ > 0) config.reload();
      const r = fromSnapshot(s);
      sample(r);
      setRoom(r);
      setLastSeen(Date.now() + feed.skewMs);
    });
    feed.socket.on('delta', (d: SiteDelta) => {
      deltaAt.current = performance.now();
      setRoom((r) => {
        if (!r) return r;
        const next = applyDelta(r, d);
        if (next !== r) sample(next);
        return next;
      });
    });
    const off = feed.onChange(() => {
      setLive(feed.state);
      if (feed.state === 'live') setLastSeen(Date.now() + feed.skewMs);
    });
    return () => {
      off();
      feed.close();
    };
  }, [feed]);

  useEffect(() => {
    if (live === 'live') setLastSeen(ticking);
  }, [ticking]);

  // The figures' span is counted on the server's clock, known from the first snapshot on (the
  // probe's skew may not be known yet, and a site may run on a clock of its own).
  const serverClock = useRef<{ server: number; local: number } | null>(null);
  if (room && serverClock.current?.server !== room.serverTime)
    serverClock.current = { server: room.serverTime, local: Date.now() };
  const hasRoom = room !== null;
  useEffect(() => {
    if (!hasRoom) return;
    const read = () => {
      const c = serverClock.current!;
      return loadFigures(siteId, c.server + Date.now() - c.local).then(setFigures, () => undefined);
    };
    void read();
    const t = setInterval(read, 30_000);
    return () => clearInterval(t);
  }, [siteId, hasRoom]);

  // A sound for each new alarm nobody has acknowledged yet.
  const heard = useRef(new Set<string>());
  useEffect(() => {
    if (!room) return;
    for (const a of room.alarms.values()) {
      const key = `${a.id}@${a.raisedAt}`;
      if (!heard.current.has(key) && a.acknowledgedBy === null) beep();
      heard.current.add(key);
    }
  }, [room?.alarms]);

  if (!room)
    return (
      <div class="console">
        <ConnectionBanner state={live} lostText="Connexion perdue — la supervision n’est pas à jour." />
        <p class="loading">Chargement de la salle…</p>
      </div>
    );

  const stale = live !== 'live';
  // Frozen figures do not tick: waits stop at the last moment the feed was known alive.
  const now = stale && lastSeen ? lastSeen : ticking;
  const run = async (p: NonNullable<Pending>) => {
    setPending(null);
    try {
      await p.run();
      setMessage({ text: p.done, error: false });
    } catch (err) {
      setMessage({ text: err instanceof ApiError ? err.message : 'Action impossible.', error: true });
    }
  };
  // Shared by the room: the engine records who acknowledged, and every console shows it.
  const ack = async (alarmId: string) => {
    try {
      await api('POST', `/sites/${siteId}/alarms/${encodeURIComponent(alarmId)}/acknowledge`, {});
    } catch (err) {
      setMessage({ text: err instanceof ApiError ? err.message : 'Acquittement impossible.', error: true });
    }
  };

  return (
    <div
      class={`console ${stale ? 'stale' : ''} ${wall ? 'wall' : ''}`}
      data-testid="console"
      data-stale={stale}
    >
      {stale && (
        <div class="banner banner-lost" role="alert" data-testid="stale">
          ⚠ Flux de supervision interrompu — chiffres figés depuis {lastSeen ? clock(lastSeen) : 'le début'} ;
          reconnexion automatique en cours.
          <button type="button" class="link" onClick={() => endSession(null)}>
            Revenir à la connexion
          </button>
        </div>
      )}
      <header class="console-head">
        <h1>{site?.name ?? `SAS ${siteId}`}</h1>
        <span class="badge">{room.period === 'pdsa' ? 'Horaires PDSA' : 'Horaires SAS'}</span>
        <span class="badge" data-testid="mode">
          {room.mode === 'one-level' ? 'Décroché mono-niveau' : 'Décroché bi-niveau'}
        </span>
        <button
          type="button"
          class="steer"
          data-action="mode"
          onClick={() => {
            const next = room.mode === 'one-level' ? 'two-level' : 'one-level';
            const label = next === 'one-level' ? 'mono-niveau' : 'bi-niveau';
            setPending({
              title: `Passer en décroché ${label} ?`,
              text:
                next === 'one-level'
                  ? 'Les ARM de niveau 1 traiteront les appels jusqu’au bout (pas de passage en N2), jusqu’au retour au planning.'
                  : 'Les appels qualifiés passent de nouveau en N2, jusqu’au retour au planning.',
              run: () => api('PUT', `/sites/${siteId}/mode`, { mode: next }),
              done: `Décroché ${label}.`,
            });
          }}
        >
          Changer de mode
        </button>
        <button
          type="button"
          class="steer"
          onClick={() =>
            setPending({
              title: 'Revenir au mode du planning ?',
              text: 'Le mode suit de nouveau les règles de la configuration du site.',
              run: () => api('PUT', `/sites/${siteId}/mode`, { mode: null }),
              done: 'Mode du planning rétabli.',
            })
          }
        >
          Mode du planning
        </button>
        <span class="clock">{clock(now)}</span>
        <button type="button" data-action="wall" onClick={toggleWall} aria-pressed={wall}>
          {wall ? 'Quitter le mode mur' : 'Mode mur'}
        </button>
        <button type="button" class="steer" onClick={() => endSession(null)}>
          Quitter
        </button>
      </header>

      <section class="qs" data-testid="qs30" aria-label="QS 30 secondes">
        <QsCard label="QS 30 s — 15 min" value={room.qs30.last15min} target={target} />
        <QsCard label="QS 30 s — 1 h" value={room.qs30.lastHour} target={target} />
        <QsCard label="QS 30 s — aujourd’hui" value={room.qs30.today} target={target} />
        <FallbackCard figures={figures?.fallback ?? null} />
      </section>

      <section class="alarms" data-testid="alarms" aria-label="Alarmes">
        <h2>Alarmes</h2>
        {room.alarms.size === 0 && <p class="ok">✔ Aucune alarme</p>}
        <ul>
          {[...room.alarms.values()]
            .sort((a, b) => b.raisedAt - a.raisedAt)
            .map((a) => {
              const done = a.acknowledgedBy !== null;
              return (
                <li key={a.id} class={`alarm ${done ? 'acked' : 'open'}`} data-alarm={a.kind} data-id={a.id}>
                  <span class="alarm-time">{clock(a.raisedAt)}</span>
                  <span class="alarm-text">
                    {done ? '✔ ' : '⚠ '}
                    {alarmText(a, room, site)}
                  </span>
                  {done ? (
                    <span class="badge" data-testid="acknowledged">
                      Acquittée par {a.acknowledgedByName ?? a.acknowledgedBy}
                      {a.acknowledgedAt !== null ? ` à ${clock(a.acknowledgedAt)}` : ''}
                    </span>
                  ) : (
                    <button type="button" class="steer" onClick={() => void ack(a.id)}>
                      Acquitter
                    </button>
                  )}
                </li>
              );
            })}
        </ul>
      </section>

      <p class={`message ${message?.error ? 'tone-error' : 'tone-ok'}`} role="status" data-testid="message">
        {message?.text ?? ''}
      </p>

      <section class="queues-section" aria-label="Files">
        <table class="queues" data-testid="queues">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">En attente</th>
              <th scope="col">Plus ancienne</th>
              <th scope="col">Sonnerie</th>
              <th scope="col">Agents connectés / disponibles</th>
              <th scope="col" class="desk-only">
                Présentés
              </th>
              <th scope="col">Décrochés</th>
              <th scope="col">Abandons</th>
              <th scope="col" class="desk-only">
                Attente moyenne (ASA)
              </th>
              <th scope="col">Niveau de service 15 min</th>
              <th scope="col" class="desk-only">
                Niveau de service 1 h
              </th>
              <th scope="col">Niveau de service aujourd’hui</th>
            </tr>
          </thead>
          <tbody>
            {room.queues.map((q) => {
              const wait = q.oldestWaitingSince ? now - q.oldestWaitingSince : 0;
              const level = room.qs30.byQueue?.[q.id];
              return (
                <QueueRow
                  key={q.id}
                  id={q.id}
                  name={q.name}
                  waiting={q.waiting}
                  oldest={q.oldestWaitingSince ? duration(wait) : '—'}
                  late={wait >= q.thresholdSeconds * 1000}
                  thresholdSeconds={q.thresholdSeconds}
                  offered={q.offered}
                  agentsLoggedIn={q.agentsLoggedIn}
                  agentsAvailable={q.agentsAvailable}
                  today={today[q.id] ?? null}
                  level15min={level?.last15min ?? null}
                  levelHour={level?.lastHour ?? null}
                  levelToday={level?.today ?? null}
                  qsTarget={target}
                />
              );
            })}
          </tbody>
        </table>
      </section>

      <section class="charts" aria-label="Graphiques">
        <Chart
          testId="chart-qs"
          title="QS 30 s par quart d’heure (aujourd’hui)"
          yRange={[0, 1]}
          yFormat={(v) => `${Math.round(v * 100)} %`}
          timeZone={site?.timeZone}
          xWindow={dayWindow(figures, now)}
          series={[
            { label: 'QS 30 s', stroke: '#60a5fa', fmt: (v) => percent(v) },
            {
              label: `Objectif ${percent(target)}`,
              stroke: '#fbbf24',
              dash: [6, 6],
              fmt: (v) => percent(v),
            },
          ]}
          data={useMemo(() => {
            const iv = figures?.intervals ?? [];
            return [iv.map((i) => i.at / 1000), iv.map((i) => i.qs30), iv.map(() => target)];
          }, [figures, target])}
        />
        <Chart
          testId="chart-flow"
          title="Arrivés, décrochés, abandons par quart d’heure"
          counts
          timeZone={site?.timeZone}
          xWindow={dayWindow(figures, now)}
          series={[
            { label: 'Arrivés', stroke: '#e2e8f0' },
            { label: 'Décrochés', stroke: '#4ade80', dash: [8, 4] },
            { label: 'Abandons', stroke: '#f87171', dash: [2, 4] },
          ]}
          data={useMemo(() => {
            const iv = figures?.intervals ?? [];
            return [
              iv.map((i) => i.at / 1000),
              iv.map((i) => i.arrived),
              iv.map((i) => i.answered),
              iv.map((i) => i.abandoned),
            ];
          }, [figures])}
        />
        <Chart
          testId="chart-waiting"
          title="Appels en attente (dernière heure, depuis l’ouverture de l’écran)"
          series={[{ label: 'En attente', stroke: '#fbbf24' }]}
          counts
          timeZone={site?.timeZone}
          xWindow={[now / 1000 - 3600, now / 1000]}
          data={waitData}
        />
      </section>

      <Agents room={room} site={site} now={now} onAction={confirmFirst} siteId={siteId} />

      <Lines room={room} site={site} siteId={siteId} onAction={(p) => setPending(p)} />
      <Trunks siteId={siteId} />
      <Dependencies siteId={siteId} />

      <footer class="footer">
        {plural(room.calls.size, 'appel en cours', 'appels en cours')} · mise à jour {clock(room.serverTime)}
      </footer>

      {pending && (
        <Confirm
          title={pending.title}
          confirmLabel="Confirmer"
          onCancel={() => setPending(null)}
          onConfirm={() => void run(pending)}
        >
          <p>{pending.text}</p>
        </Confirm>
      )}
    </div>
  );
}

/** Today's quarter hours so far, two hours at least (epoch seconds). */
function dayWindow(figures: Figures | null, now: number): [number, number] {
  const end = now / 1000 + 900;
  const first = figures?.intervals[0]?.at;
  return [Math.min(first !== undefined ? first / 1000 : end, end - 2 * 3600), end];
}

function QsCard({ label, value, target }: { label: string; value: number | null; target: number }) {
  const state = value === null ? 'none' : value >= target ? 'ok' : 'bad';
  const text =
    state === 'none'
      ? 'aucun appel décroché'
      : state === 'ok'
        ? `✔ objectif ${percent(target)} atteint`
        : `✖ sous l’objectif de ${percent(target)}`;
  return (
    <div class={`qs-card qs-${state}`}>
      <span class="big">{percent(value)}</span>
      <span class="qs-label">{label}</span>
      <span class="qs-state">{text}</span>
    </div>
  );
}

/** The alarm in words; a P0 alarm names the call by its line and arrival, never by an internal id. */
function alarmText(
  a: { id: string; kind: string; message: string },
  room: Room,
  site: WebConfig['site'],
): string {
  if (a.kind === 'p0-in-progress') {
    const call = room.calls.get(a.id.replace(/^p0:/, ''));
    if (!call) return 'P0 en cours';
    const at = call.parties[0];
    const who = at ? (room.agents.get(at.agentId)?.name ?? ROLE[at.role] ?? at.role) : null;
    return `P0 en cours — ${lineLabel(site, call.line)}, arrivé à ${clock(call.arrivedAt)}${who ? `, ${who}` : ''}`;
  }
  return a.message;
}

function beep() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0.06;
    osc.frequency.value = 660;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  } catch {
    // no audio: the alarm list is the alert
  }
}

type Group = { id: string; title: string; agents: AgentView[] };

/** Today's figures of each queue, formatted once per read (every 30 s), not once per delta. */
function todayByQueue(figures: Figures | null): Record<string, NonNullable<QueueRowProps['today']>> {
  const out: Record<string, NonNullable<QueueRowProps['today']>> = {};
  for (const [id, f] of Object.entries(figures?.queues ?? {}))
    out[id] = {
      offered: f.offered,
      answered: f.answered,
      abandoned: f.abandoned,
      asa: f.asaSeconds != null ? duration(f.asaSeconds * 1000) : '—',
    };
  return out;
}

/** Level of an agent from its skills: the earliest stage it serves. */
function levelOf(a: AgentView, site: WebConfig['site']): string {
  const stages = a.skills.map((s) => queueOf(site, s.queue)?.stage);
  if (a.roles.includes('arm')) return stages.includes('n1') ? 'arm-n1' : 'arm-n2';
  return a.roles[0] ?? 'other';
}

const GROUP_TITLES: Record<string, string> = {
  'arm-n1': 'ARM — niveau 1',
  'arm-n2': 'ARM — niveau 2 AMU',
  mru: 'Médecins régulateurs urgentistes',
  osnp: 'OSNP',
  mrg: 'Médecins régulateurs généralistes',
  supervisor: 'Supervision',
};

function Agents(props: {
  room: Room;
  site: WebConfig['site'];
  now: number;
  siteId: string;
  onAction: (p: NonNullable<Pending>) => void;
}) {
  const { room, site, now, siteId } = props;
  // Listening in is the room supervisor's (docs/supervision.md): no buttons for an admin.
  const supervisor = session()?.user.roles.includes('supervisor') ?? false;
  const me = session()?.user.agentId ?? session()?.user.username ?? null;
  const groups: Group[] = [];
  for (const a of room.agents.values()) {
    const id = levelOf(a, site);
    let g = groups.find((x) => x.id === id);
    if (!g) groups.push((g = { id, title: GROUP_TITLES[id] ?? id, agents: [] }));
    g.agents.push(a);
  }
  const order = Object.keys(GROUP_TITLES);
  groups.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const n1 = site?.queues.find((q) => q.stage === 'n1' && q.roles.includes('arm'));
  const n2 = site?.queues.find((q) => q.id === site.routing.p1Queue);
  return (
    <section class="agents" aria-label="Agents" data-testid="agents">
      <h2>Agents</h2>
      {groups.map((g) => (
        <div class="agent-group" key={g.id} data-group={g.id}>
          <h3>
            {g.title} —{' '}
            {plural(g.agents.filter((a) => a.status !== 'logged-out').length, 'connecté', 'connectés')} sur{' '}
            {g.agents.length}
          </h3>
          <table>
            <tbody>
              {g.agents.map((a) => {
                const s = STATUS[a.status];
                const call = a.callId ? room.calls.get(a.callId) : undefined;
                return (
                  <AgentRow
                    key={a.id}
                    agent={a}
                    symbol={s.symbol}
                    label={s.label}
                    since={a.status === 'logged-out' ? '' : `depuis ${duration(now - a.since)}`}
                    callText={
                      call
                        ? `${lineLabel(site, call.line)}${call.qualification ? ` · ${call.qualification}` : ''}`
                        : ''
                    }
                    target={g.id === 'arm-n1' ? n2 : g.id === 'arm-n2' ? n1 : undefined}
                    siteId={siteId}
                    onAction={props.onAction}
                    listenCall={
                      call && supervisor && call.parties.some((p) => p.agentId === a.id) ? call : undefined
                    }
                    me={me}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

export { queueName };
