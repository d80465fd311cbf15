// The MG callback worklist (rappels): open tasks of the site, claimed once by one agent, then
// completed with an outcome. Read every 5 s (a few tasks an hour: no live feed needed).
import { useEffect, useState } from 'preact/hooks';
import { clock, plural } from '../i18n.js';
import { api, ApiError } from '../session.js';

type Task = {
  id: string;
  createdAt: number;
  callerNumber: string | null;
  name: string;
  department: string;
  claimedBy: string | null;
};

export function Callbacks({ siteId, agentId }: { siteId: string; agentId: string }) {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    try {
      setTasks((await api<{ tasks: Task[] }>('GET', `/sites/${siteId}/callbacks?status=all`)).tasks);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Liste des rappels indisponible.');
    }
  };
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [siteId]);
  const act = async (path: string, body: unknown) => {
    try {
      await api('POST', `/sites/${siteId}/callbacks/${path}`, body);
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Action impossible.');
    }
  };
  const visible = tasks.filter((t) => t.claimedBy === null || t.claimedBy === agentId);
  return (
    <section class="callbacks" aria-label="Rappels" data-testid="callbacks">
      <h3>Rappels à faire : {plural(tasks.filter((t) => !t.claimedBy).length, 'ouvert', 'ouverts')}</h3>
      {error && <p class="message tone-error">{error}</p>}
      <ul>
        {visible.map((t) => (
          <li key={t.id} data-task={t.id}>
            <span>
              {t.name || 'Sans nom'} · {t.callerNumber ?? 'numéro masqué'} · demandé à {clock(t.createdAt)}
            </span>
            {t.claimedBy === null ? (
              <button type="button" onClick={() => void act(`${t.id}/claim`, {})}>
                Prendre
              </button>
            ) : (
              <>
                <span class="badge status-on-call">
                  Pris par vous — composez le {t.callerNumber ?? '(numéro masqué)'}
                </span>
                <button type="button" onClick={() => void act(`${t.id}/complete`, { outcome: 'rappelé' })}>
                  Rappelé
                </button>
                <button
                  type="button"
                  onClick={() => void act(`${t.id}/complete`, { outcome: 'injoignable' })}
                >
                  Injoignable
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
