// The supervisor's listen-in buttons on an agent's row (écoute, chuchotement, intervention;
// docs/supervision.md): the supervisor's phone rings, and the console shows who listens to which
// call (every console: the engine records it). Plain buttons, so Tab / Entrée / Espace work.
import type { LiveCallView } from '../types.js';
import { api } from '../session.js';

export type ListenAction = { title: string; text: string; run: () => Promise<unknown>; done: string };

const MODES = [
  { mode: 'listen', label: 'Écouter', title: 'Écouter l’appel de', done: 'Écoute' },
  { mode: 'whisper', label: 'Chuchoter', title: 'Chuchoter à', done: 'Chuchotement' },
  { mode: 'barge', label: 'Intervenir', title: 'Intervenir dans l’appel de', done: 'Intervention' },
] as const;

export const LISTEN_LABEL: Record<string, string> = {
  listen: 'écoute',
  whisper: 'chuchotement',
  barge: 'intervention',
};

export function ListenIn(props: {
  siteId: string;
  call: LiveCallView;
  agentId: string;
  agentName: string;
  /** Who this console's user is as a supervisor (its agent id, else its user name). */
  me: string | null;
  onAction: (a: ListenAction) => void;
}) {
  const { call, siteId, agentName } = props;
  const path = `/sites/${siteId}/calls/${encodeURIComponent(call.id)}/listen`;
  const mine = call.listeners?.find((l) => l.supervisorId === props.me);
  const others = (call.listeners ?? []).filter(
    (l) => l.supervisorId !== props.me && l.agentId === props.agentId,
  );
  return (
    <span class="listen-in" data-testid={`listen-${props.agentId}`}>
      {others.map((l) => (
        <span class="badge" key={l.supervisorId} data-listener={l.supervisorId}>
          <span aria-hidden="true">◉ </span>
          {l.supervisorId} en {LISTEN_LABEL[l.mode]}
        </span>
      ))}
      {mine ? (
        <>
          <span class="badge" data-listening={mine.mode}>
            <span aria-hidden="true">◉ </span>
            Vous êtes en {LISTEN_LABEL[mine.mode]}
          </span>
          <button
            type="button"
            data-action="stop-listening"
            onClick={() =>
              props.onAction({
                title: `Arrêter l’${LISTEN_LABEL[mine.mode]} de ${agentName} ?`,
                text: 'Votre téléphone raccroche ; l’appel continue.',
                run: () => api('DELETE', path),
                done: 'Écoute arrêtée.',
              })
            }
          >
            Arrêter l’écoute
          </button>
        </>
      ) : (
        MODES.map((m) => (
          <button
            type="button"
            key={m.mode}
            data-action={m.mode}
            aria-label={`${m.label} : ${agentName}`}
            onClick={() =>
              props.onAction({
                title: `${m.title} ${agentName} ?`,
                text:
                  'Votre téléphone va sonner : décrochez. ' +
                  (m.mode === 'whisper'
                    ? 'Seul l’agent vous entend. '
                    : m.mode === 'barge'
                      ? 'L’appelant et l’agent vous entendent. '
                      : 'Personne ne vous entend. ') +
                  'L’écoute est inscrite au journal d’audit.',
                run: () => api('POST', path, { mode: m.mode, agentId: props.agentId }),
                done: `${m.done} demandé(e) : décrochez votre téléphone.`,
              })
            }
          >
            {m.label}
          </button>
        ))
      )}
    </span>
  );
}
