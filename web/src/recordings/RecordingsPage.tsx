// The supervisors' page for call recordings (docs/recording.md): the site's latest recordings,
// found by call reference or call id, played in the page, a legal hold placed or lifted, and the
// audit log. The audio is fetched with the session's token (GET …/recordings/{name}/audio, which
// writes the listen to the audit log first) and played from a blob: URL: an <audio src> pointing
// at the API could not carry the token, and a token in a URL would end up in logs.
import { useEffect, useState } from 'preact/hooks';
import { api, apiBlob, ApiError, endSession } from '../session.js';
import type { WebConfig } from '../types.js';

type Recording = {
  name: string;
  callId: string;
  callRef: string;
  format: string;
  durationSeconds: number | null;
  at: number;
  held: boolean;
};
type AuditLine = {
  id: string;
  action: 'listen' | 'hold' | 'release' | 'purge';
  at: number;
  user: string;
  callId: string;
  recording: string | null;
  detail: string;
};

const ACTIONS: Record<AuditLine['action'], string> = {
  listen: 'Écoute',
  hold: 'Conservation légale',
  release: 'Levée de conservation',
  purge: 'Suppression (durée de conservation)',
};

const duration = (s: number | null) =>
  s === null ? '—' : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;

export function RecordingsPage({ config }: { config: WebConfig }) {
  const siteId = config.siteId;
  const site = config.site;
  const when = (ms: number) =>
    new Date(ms).toLocaleString('fr-FR', {
      timeZone: site?.timeZone,
      dateStyle: 'short',
      timeStyle: 'medium',
    });
  const [recordings, setRecordings] = useState<Recording[]>([]);
  const [audit, setAudit] = useState<AuditLine[]>([]);
  const [search, setSearch] = useState('');
  const [playing, setPlaying] = useState<{ name: string; url: string } | null>(null);
  const [holdFor, setHoldFor] = useState<Recording | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);

  const fail = (err: unknown, text: string) => setError(err instanceof ApiError ? err.message : text);
  const reload = async () => {
    try {
      const [list, log] = await Promise.all([
        api<{ recordings: Recording[] }>('GET', `/sites/${siteId}/recordings?limit=200`),
        api<{ audit: AuditLine[] }>('GET', `/sites/${siteId}/recordings-audit?limit=30`),
      ]);
      setRecordings(list.recordings);
      setAudit(log.audit);
    } catch (err) {
      fail(err, 'Enregistrements indisponibles.');
    }
  };
  useEffect(() => void reload(), [siteId]);
  useEffect(() => () => playing && URL.revokeObjectURL(playing.url), [playing]);

  const listen = async (r: Recording) => {
    setError(null);
    try {
      const blob = await apiBlob(`/sites/${siteId}/recordings/${encodeURIComponent(r.name)}/audio`);
      setPlaying({ name: r.name, url: URL.createObjectURL(blob) });
      setInfo(`Écoute de ${r.callRef} : inscrite au journal.`);
      await reload();
    } catch (err) {
      fail(err, 'Écoute impossible.');
    }
  };
  const hold = async () => {
    if (!holdFor) return;
    setError(null);
    try {
      await api('PUT', `/sites/${siteId}/calls/${encodeURIComponent(holdFor.callId)}/legal-hold`, { reason });
      setInfo(`Appel ${holdFor.callRef} placé sous conservation légale.`);
      setHoldFor(null);
      setReason('');
      await reload();
    } catch (err) {
      fail(err, 'Conservation impossible.');
    }
  };
  const release = async (r: Recording) => {
    setError(null);
    try {
      await api('DELETE', `/sites/${siteId}/calls/${encodeURIComponent(r.callId)}/legal-hold`);
      setInfo(`Conservation légale levée pour ${r.callRef}.`);
      await reload();
    } catch (err) {
      fail(err, 'Levée impossible.');
    }
  };

  const term = search.trim().toUpperCase();
  const shown = term
    ? recordings.filter(
        (r) => r.callRef.toUpperCase().includes(term) || r.callId.toUpperCase().includes(term),
      )
    : recordings;

  return (
    <div class="indicators recordings" data-testid="recordings">
      <header class="console-head">
        <h1>Enregistrements des appels — {site?.name ?? `SAS ${siteId}`}</h1>
        <a class="button-link" href="/wallboard.html">
          Supervision
        </a>
        <button type="button" onClick={() => endSession(null)}>
          Quitter
        </button>
      </header>
      <form class="row period" onSubmit={(e) => e.preventDefault()} aria-label="Recherche">
        <label>
          Référence ou identifiant d’appel
          <input
            type="search"
            data-testid="search"
            value={search}
            placeholder="SAS44-…"
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <span class="hint" role="status">
          {shown.length} enregistrement{shown.length > 1 ? 's' : ''}
        </span>
      </form>
      <p class="legend">
        Chaque écoute est inscrite au journal (qui, quand, quel appel, depuis quel poste). Un appel sous
        conservation légale n’est jamais supprimé ; les autres le sont à la fin de la durée de conservation.
      </p>
      {error && (
        <p class="message tone-error" role="alert">
          {error}
        </p>
      )}
      {info && (
        <p class="message" role="status" data-testid="info">
          {info}
        </p>
      )}
      {playing && (
        <section aria-label="Lecture">
          <h2>Lecture — {playing.name}</h2>
          <audio controls autoplay src={playing.url} data-testid="player" />
        </section>
      )}
      {holdFor && (
        <form
          class="row"
          aria-label="Conservation légale"
          onSubmit={(e) => {
            e.preventDefault();
            void hold();
          }}
        >
          <label>
            Motif de la conservation ({holdFor.callRef})
            <input
              data-testid="hold-reason"
              value={reason}
              required
              minLength={3}
              maxLength={300}
              placeholder="Plainte, revue d’incident…"
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="primary">
            Conserver
          </button>
          <button type="button" onClick={() => setHoldFor(null)}>
            Annuler
          </button>
        </form>
      )}
      <table class="figures" data-testid="recording-list">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Référence</th>
            <th scope="col" class="num">
              Durée
            </th>
            <th scope="col">Conservation</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.name} data-call={r.callId} data-ref={r.callRef}>
              <td>{when(r.at)}</td>
              <th scope="row">{r.callRef}</th>
              <td class="num">{duration(r.durationSeconds)}</td>
              <td data-testid="hold-state">{r.held ? 'Conservation légale' : 'Durée normale'}</td>
              <td>
                <button type="button" class="primary" onClick={() => void listen(r)}>
                  Écouter
                </button>{' '}
                {r.held ? (
                  <button type="button" onClick={() => void release(r)}>
                    Lever la conservation
                  </button>
                ) : (
                  <button type="button" onClick={() => setHoldFor(r)}>
                    Conserver
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section aria-label="Journal">
        <h2>Journal des écoutes et des conservations</h2>
        <table class="figures" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Action</th>
              <th scope="col">Par</th>
              <th scope="col">Appel</th>
              <th scope="col">Détail</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((a) => (
              <tr key={a.id} data-action={a.action}>
                <td>{when(a.at)}</td>
                <td>{ACTIONS[a.action]}</td>
                <td>{a.user === 'retention' ? 'automatique' : a.user}</td>
                <td title={a.recording ?? undefined}>{a.callId}</td>
                <td>{a.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
