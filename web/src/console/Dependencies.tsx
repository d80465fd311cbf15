// The health of the site's dependencies (annex 2 condition 5; docs/dependencies.md): the PBX, Redis,
// the LRM endpoint, the recording storage, the answer rate today and over the last days. A failure
// is worded in French (dependency-words.ts), the server's raw detail kept in the row's title. Polled from GET …/dependencies.
// A failed or hanging poll keeps the last answer on screen, faded and marked stale with its age,
// which ticks every second: a panel that stopped updating says so instead of looking alive.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { clock, duration, percent } from '../i18n.js';
import { api, ApiError } from '../session.js';
import { DRACHTIO_DOWN_WORDS, failureWords, STANDBY_WORDS, type FailureCode } from './dependency-words.js';
import './dependencies.css';

const POLL_MS = 10_000;
/** No good answer for this long (a request hanging, not failing): stale too. */
const STALE_MS = 25_000;
const DAYS = 14;
/** The days before today are replayed from the history by the server: asked again this seldom. */
const HISTORY_EVERY_MS = 5 * 60_000;

type Day = { day: string; presented: number; answered: number; rate: number | null; low: boolean };
type Deps = {
  at: number;
  pbx: {
    connected: boolean | null;
    kind?: 'asterisk' | 'freeswitch' | null;
    measured: boolean;
    ok: boolean;
    roundTripMs: number | null;
    error: string | null;
    errorCode?: FailureCode | null;
    drachtioConnected?: boolean | null;
    standby?: boolean;
  };
  redis?: {
    ok: boolean;
    roundTripMs: number | null;
    error: string | null;
    errorCode: FailureCode | null;
  } | null;
  lrm?: {
    ok: boolean;
    waiting: number | null;
    retrying: number | null;
    givenUp: number | null;
    lastDeliveredAt: number | null;
    lastLagMs: number | null;
    lastErrorAt: number | null;
    lastError: string | null;
    lastErrorCode: FailureCode | null;
  } | null;
  recordingStorage: {
    ok: boolean;
    low: boolean;
    freeBytes: number | null;
    freeRatio: number | null;
    minFreeRatio: number;
    error: string | null;
  } | null;
  answerRate: { minRate: number; today: Day; days: Day[] };
};

/** `detail`: words for the room; `raw`: the server's technical detail (title, for the engineer). */
type Row = {
  state: 'ok' | 'warn' | 'bad' | 'none';
  text: string;
  detail?: string | null;
  raw?: string | null;
};
const SYMBOL = { ok: '✔', warn: '⚠', bad: '✖', none: '—' } as const;

const size = (bytes: number) =>
  bytes >= 1e9
    ? `${(bytes / 1e9).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Go`
    : `${Math.round(bytes / 1e6).toLocaleString('fr-FR')} Mo`;

const ms = (v: number) =>
  v >= 1000
    ? `${(v / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`
    : `${v.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} ms`;
const count = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

function pbxRow(p: Deps['pbx']): Row {
  if (p.kind === 'freeswitch') return freeswitchRow(p);
  const why = { detail: failureWords('pbx', p.errorCode), raw: p.error };
  if (p.connected === false)
    return { state: 'bad', text: 'Déconnectée de l’ACD', ...why, detail: why.detail ?? p.error };
  if (!p.measured) return { state: 'none', text: 'Connectée ; temps de réponse non mesuré pour ce PBX' };
  if (!p.ok) return { state: 'bad', text: 'Ne répond pas', ...why };
  return { state: 'ok', text: `Répond en ${ms(p.roundTripMs ?? 0)}` };
}

/** FreeSWITCH: the event socket's round trip and drachtio's link, each said. */
function freeswitchRow(p: Deps['pbx']): Row {
  // A standby holds no PBX link: the process leading the site measures it.
  if (p.standby) return { state: 'none', text: STANDBY_WORDS };
  if (!p.measured) return { state: 'none', text: 'Temps de réponse non mesuré par ce serveur' };
  const drachtio = p.drachtioConnected === false ? 'drachtio déconnecté' : 'drachtio connecté';
  if (!p.ok)
    return {
      state: 'bad',
      text: `FreeSWITCH ne répond pas ; ${drachtio}`,
      detail: failureWords('freeswitch', p.errorCode),
      raw: p.error,
    };
  const rt = `FreeSWITCH répond en ${ms(p.roundTripMs ?? 0)} ; ${drachtio}`;
  if (p.drachtioConnected === false) return { state: 'bad', text: rt, detail: DRACHTIO_DOWN_WORDS };
  return { state: 'ok', text: rt };
}

function redisRow(r: Deps['redis']): Row {
  if (!r) return { state: 'none', text: 'Non utilisée par ce serveur (données en mémoire)' };
  if (!r.ok)
    return { state: 'bad', text: 'Ne répond pas', detail: failureWords('redis', r.errorCode), raw: r.error };
  return { state: 'ok', text: `Répond en ${ms(r.roundTripMs ?? 0)}` };
}

function lrmRow(l: Deps['lrm']): Row {
  if (!l) return { state: 'none', text: 'Non relié (LRM_WEBHOOK_URL absent)' };
  const queue =
    l.waiting === null
      ? 'file d’attente illisible (Redis)'
      : `${count(l.waiting, 'événement', 'événements')} en attente`;
  if (!l.ok) {
    const retrying = l.retrying ? `, ${count(l.retrying, 'appel', 'appels')} en nouvel essai` : '';
    const since = l.lastErrorAt ? ` ; dernier échec à ${clock(l.lastErrorAt)}` : '';
    return {
      state: 'bad',
      text: `Ne reçoit plus les événements : ${queue}${retrying}${since}`,
      detail: failureWords('lrm', l.lastErrorCode),
      raw: l.lastError,
    };
  }
  const last =
    l.lastDeliveredAt === null
      ? 'aucun événement livré depuis le démarrage du serveur'
      : `dernier livré à ${clock(l.lastDeliveredAt)}${l.lastLagMs !== null ? ` en ${ms(l.lastLagMs)}` : ''}`;
  if (l.givenUp)
    return {
      state: 'warn',
      text: `${count(l.givenUp, 'événement abandonné', 'événements abandonnés')} ces 7 derniers jours ; ${last}`,
      detail: 'À vérifier : le journal du serveur ACD (« LRM webhook given up »).',
      raw: l.lastError,
    };
  return { state: 'ok', text: `Reçoit les événements : ${last}${l.waiting ? `, ${queue}` : ''}` };
}

function storageRow(s: Deps['recordingStorage']): Row {
  if (!s) return { state: 'none', text: 'Non surveillé (RECORDING_STORAGE_DIR absent)' };
  if (s.error)
    return { state: 'bad', text: 'Illisible : aucun enregistrement ne peut y être écrit', detail: s.error };
  const free = `${percent(s.freeRatio)} libre (${size(s.freeBytes ?? 0)}), seuil ${percent(s.minFreeRatio)}`;
  return s.low ? { state: 'warn', text: `Espace faible : ${free}` } : { state: 'ok', text: free };
}

function rateRow(a: Deps['answerRate']): Row {
  const t = a.today;
  if (t.rate === null) return { state: 'none', text: 'Aucun appel présenté aujourd’hui' };
  const text = `${percent(t.rate)} (${t.answered} / ${t.presented}), objectif ${percent(a.minRate)}`;
  return { state: t.low ? 'warn' : 'ok', text };
}

/** The last `DAYS` days up to today, oldest first; a day the history has no call for shows "—". */
function lastDays(a: Deps['answerRate'], history: Day[]): Day[] {
  const known = new Map([...history, a.today].map((d) => [d.day, d]));
  const end = Date.parse(`${a.today.day}T12:00:00Z`);
  return Array.from({ length: DAYS }, (_, i) => {
    const day = new Date(end - (DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    return known.get(day) ?? { day, presented: 0, answered: 0, rate: null, low: false };
  });
}

const dayLabel = (day: string) =>
  new Date(`${day}T12:00:00Z`).toLocaleDateString('fr-FR', {
    weekday: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });

export function Dependencies({ siteId }: { siteId: string }) {
  const [deps, setDeps] = useState<Deps | null>(null);
  const [okAt, setOkAt] = useState<number | null>(null);
  const [history, setHistory] = useState<Day[]>([]);
  const [error, setError] = useState<string | null>(null);
  const historyAt = useRef(0);
  const [tick, setTick] = useState(() => Date.now());
  /** When the request in flight was sent (0: none); `sent`/`shown`: the latest request sent and shown. */
  const inFlightAt = useRef(0);
  const sent = useRef(0);
  const shown = useRef(0);
  const alive = useRef(true);

  const load = useCallback(
    async (now = false) => {
      // A slow request is not piled on, but one hanging past STALE_MS (or the button) does not
      // block the next: only the newest answer is shown, a late one from an older request dropped.
      if (!now && inFlightAt.current && Date.now() - inFlightAt.current < STALE_MS) return;
      const mine = ++sent.current;
      inFlightAt.current = Date.now();
      try {
        // Every poll: the PBX, the storage and today; the 14 days only now and then (a replay).
        const full = Date.now() - historyAt.current > HISTORY_EVERY_MS;
        const d = await api<Deps>('GET', `/sites/${siteId}/dependencies?days=${full ? DAYS : 1}`);
        if (!alive.current || mine < shown.current) return;
        shown.current = mine;
        if (full) {
          historyAt.current = Date.now();
          setHistory(d.answerRate.days);
        }
        setDeps(d);
        setOkAt(Date.now());
        setError(null);
      } catch (err) {
        if (alive.current && mine >= shown.current)
          setError(err instanceof ApiError ? err.message : 'Mesure impossible.');
      } finally {
        if (sent.current === mine) inFlightAt.current = 0;
      }
    },
    [siteId],
  );

  useEffect(() => {
    alive.current = true;
    historyAt.current = 0;
    void load();
    const poll = setInterval(() => void load(), POLL_MS);
    const ticker = setInterval(() => setTick(Date.now()), 1000);
    return () => {
      alive.current = false;
      clearInterval(poll);
      clearInterval(ticker);
    };
  }, [load]);

  const age = okAt === null ? null : Math.max(0, tick - okAt);
  const stale = deps !== null && (error !== null || (age !== null && age > STALE_MS));
  const refresh = (
    <button type="button" data-action="deps-refresh" onClick={() => void load(true)}>
      Actualiser
    </button>
  );

  return (
    <section
      class={`dependencies ${stale ? 'stale' : ''}`}
      aria-label="Santé des dépendances"
      data-testid="dependencies"
      data-stale={stale}
      tabIndex={0}
    >
      <h2>Santé des dépendances</h2>
      {!deps ? (
        <p class="dep-age" role="status">
          {error ? `⚠ Santé des dépendances indisponible : ${error}` : 'Mesure en cours…'} {refresh}
        </p>
      ) : (
        <>
          <p class={`dep-age ${stale ? 'dep-stale' : ''}`} role="status" data-testid="deps-age">
            {stale
              ? `⚠ Données périmées : dernière mesure à ${clock(deps.at)}, il y a ${duration(age ?? 0)}${error ? ` (${error})` : ''}`
              : `Mesuré à ${clock(deps.at)}, il y a ${duration(age ?? 0)}`}{' '}
            {refresh}
          </p>
          <ul class="dep-list">
            {(
              [
                ['pbx', 'Téléphonie (PBX)', pbxRow(deps.pbx)],
                ['redis', 'Base Redis', redisRow(deps.redis ?? null)],
                ['lrm', 'Logiciel de régulation (LRM)', lrmRow(deps.lrm ?? null)],
                ['storage', 'Stockage des enregistrements', storageRow(deps.recordingStorage)],
                ['rate', 'Taux de décroché aujourd’hui', rateRow(deps.answerRate)],
              ] as const
            ).map(([id, label, row]) => (
              <li key={id} data-dep={id} data-state={row.state}>
                <span class="dep-name">{label}</span>
                <span class="dep-value">
                  {SYMBOL[row.state]} {row.text}
                </span>
                {row.detail && (
                  <span
                    class="dep-detail"
                    data-testid="dep-detail"
                    title={row.raw ? `Détail technique : ${row.raw}` : undefined}
                  >
                    {row.detail}
                  </span>
                )}
              </li>
            ))}
          </ul>
          <h3 class="dep-days-title">Taux de décroché, {DAYS} derniers jours</h3>
          <ol class="dep-days" data-testid="deps-days">
            {lastDays(deps.answerRate, history).map((d) => (
              <li key={d.day} data-low={d.low} title={`${d.answered} / ${d.presented}`}>
                <span class="dep-day">{dayLabel(d.day)}</span>
                <span class="dep-day-rate">
                  {d.rate === null ? '—' : `${d.low ? '⚠ ' : ''}${percent(d.rate)}`}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
