// The MG callback worklist (rappels): open tasks of the site, claimed once by one agent, then
// completed with an outcome. Read every 5 s (a few tasks an hour: no live feed needed).
// « Appeler » calls the caller back through the click-to-dial route (the agent's phone rings
// first, then the number); after « Prendre » the focus is on it, so Entrée, Entrée claims and dials.
import { useEffect, useRef, useState } from 'preact/hooks';
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
  const [dialled, setDialled] = useState<string | null>(null);
  const focusDial = useRef<string | null>(null);
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
  const dial = async (t: Task) => {
    if (!t.callerNumber) return;
    try {
      await api('POST', `/sites/${siteId}/agent/dial`, {
        number: t.callerNumber,
        purpose: 'callback',
        taskId: t.id,
      });
      setDialled(t.id);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Appel impossible.');
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
              <button
                type="button"
                onClick={() => {
                  focusDial.current = t.id;
                  void act(`${t.id}/claim`, {});
                }}
              >
                Prendre
              </button>
            ) : (
              <>
                <span class="badge status-on-call" data-testid="callback-state">
                  {dialled === t.id
                    ? `Appel lancé vers le ${t.callerNumber}`
                    : `Pris par vous${t.callerNumber ? '' : ' — numéro masqué, rappel impossible'}`}
                </span>
                {t.callerNumber && (
                  <button
                    type="button"
                    data-action="dial"
                    ref={(b) => {
                      // Just claimed: the next Entrée dials (keyboard-first).
                      if (b && focusDial.current === t.id) {
                        focusDial.current = null;
                        b.focus();
                      }
                    }}
                    onClick={() => void dial(t)}
                  >
                    Appeler le {t.callerNumber}
                  </button>
                )}
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
