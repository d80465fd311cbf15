// The console's table rows as components that skip their render when their props are unchanged
// (a shallow comparison, what React's memo does; Preact's own `memo` lives in preact/compat, a
// layer this bundle does not otherwise need). A supervisor delta changes a few agents among 300
// and a few queues among 30: only their rows are diffed. Props are plain values (texts already
// formatted, the same objects as long as they did not change) so the comparison is cheap and exact.
import { Component } from 'preact';
import { percent } from '../i18n.js';
import { api } from '../session.js';
import type { AgentView, LiveCallView } from '../types.js';
import type { Pending } from './Lines.js';
import { ListenIn } from './ListenIn.js';

/** A component that renders again only when one of its props changed (by identity). */
abstract class PureRow<P extends object> extends Component<P> {
  override shouldComponentUpdate(next: P): boolean {
    const before = this.props as Record<string, unknown>;
    const after = next as Record<string, unknown>;
    for (const k in after) if (after[k] !== before[k]) return true;
    for (const k in before) if (!(k in after)) return true;
    return false;
  }
}

type Target = { id: string; name: string; stage: string } | undefined;

export type AgentRowProps = {
  agent: AgentView;
  /** The status, as shown: symbol and words. */
  symbol: string;
  label: string;
  /** "depuis 3 min" (empty when logged out): formatted by the board, so a tick changes only it. */
  since: string;
  /** The current call in words (line, qualification), or empty. */
  callText: string;
  target: Target;
  siteId: string;
  /** Stable across renders (the board's confirmation opener). */
  onAction: (p: Pending) => void;
  /** The call a supervisor may listen to on this row (the same object while it is unchanged). */
  listenCall?: LiveCallView | undefined;
  /** This console's user as a supervisor (its agent id, else its user name). */
  me?: string | null;
};

export class AgentRow extends PureRow<AgentRowProps> {
  override render() {
    const { agent: a, target, siteId, onAction } = this.props;
    return (
      <tr data-agent={a.id} class={`status-row status-${a.status}`}>
        <th scope="row">{a.name}</th>
        <td>
          <span class={`badge status-${a.status}`}>
            <span aria-hidden="true">{this.props.symbol} </span>
            {this.props.label}
            {a.pauseReason ? ` — ${a.pauseReason}` : ''}
          </span>
        </td>
        <td class="num">{this.props.since}</td>
        <td>{this.props.callText}</td>
        <td class="row">
          {this.props.listenCall && (
            <ListenIn
              siteId={siteId}
              call={this.props.listenCall}
              agentId={a.id}
              agentName={a.name}
              me={this.props.me ?? null}
              onAction={onAction}
            />
          )}
          {target && (
            <button
              type="button"
              data-action="move"
              onClick={() =>
                onAction({
                  title: `Passer ${a.name} en ${target.name} ?`,
                  text: 'Ses files sont remplacées ; un appel en cours n’est pas interrompu.',
                  run: () =>
                    api('PUT', `/sites/${siteId}/agents/${a.id}/skills`, {
                      skills: [{ queue: target.id, preference: 1 }],
                    }),
                  done: `${a.name} passe en ${target.name}.`,
                })
              }
            >
              → {target.stage === 'n1' ? 'N1' : 'N2'}
            </button>
          )}
          {a.status !== 'logged-out' && a.status !== 'paused' && (
            <button
              type="button"
              onClick={() =>
                onAction({
                  title: `Mettre ${a.name} en pause ?`,
                  text: 'Aucun nouvel appel ne lui sera présenté jusqu’à son retour.',
                  run: () =>
                    api('POST', `/sites/${siteId}/agents/${a.id}/pause`, {
                      reason: 'Pause (superviseur)',
                    }),
                  done: `${a.name} est en pause.`,
                })
              }
            >
              Pause
            </button>
          )}
          {a.status !== 'logged-out' && (
            <button
              type="button"
              class="danger"
              onClick={() =>
                onAction({
                  title: `Déconnecter ${a.name} ?`,
                  text: 'Son poste ne recevra plus d’appels.',
                  run: () => api('POST', `/sites/${siteId}/agents/${a.id}/logout`, {}),
                  done: `${a.name} est déconnecté.`,
                })
              }
            >
              Déconnecter
            </button>
          )}
        </td>
      </tr>
    );
  }
}

export type QueueRowProps = {
  id: string;
  name: string;
  waiting: number;
  /** The oldest wait as shown ("1 min 05 s" or "—"), and whether it is past the threshold. */
  oldest: string;
  late: boolean;
  thresholdSeconds: number;
  offered: number;
  agentsLoggedIn: number;
  agentsAvailable: number;
  /** Today's figures of the queue (the same object until the next 30-second read). */
  today: {
    offered: number;
    answered: number;
    abandoned: number;
    asa: string;
  } | null;
  /** The queue's rolling service level (live feed: the indicators' own figures), null without answers. */
  level15min: number | null;
  levelHour: number | null;
  levelToday: number | null;
  qsTarget: number;
};

export class QueueRow extends PureRow<QueueRowProps> {
  override render() {
    const q = this.props;
    const f = q.today;
    return (
      <tr data-queue={q.id} class={q.late ? 'late' : ''}>
        <th scope="row">{q.name}</th>
        <td class="num waiting">{q.waiting}</td>
        <td class="num">
          {q.oldest}
          {q.late && <span class="flag"> ⚠ au-delà de {q.thresholdSeconds} s</span>}
        </td>
        <td class="num">{q.offered}</td>
        <td class="num">
          {q.agentsLoggedIn} / {q.agentsAvailable}
        </td>
        <td class="num desk-only">{f?.offered ?? 0}</td>
        <td class="num">{f?.answered ?? 0}</td>
        <td class="num">{f?.abandoned ?? 0}</td>
        <td class="num desk-only">{f?.asa ?? '—'}</td>
        <td class="num level" data-window="15min">
          <Level value={q.level15min} threshold={q.thresholdSeconds} target={q.qsTarget} />
        </td>
        <td class="num level desk-only" data-window="hour">
          <Level value={q.levelHour} threshold={q.thresholdSeconds} target={q.qsTarget} />
        </td>
        <td class="num level" data-window="today">
          <Level value={q.levelToday} threshold={q.thresholdSeconds} target={q.qsTarget} />
        </td>
      </tr>
    );
  }
}

function Level({ value, threshold, target }: { value: number | null; threshold: number; target: number }) {
  if (value === null) return <span title="aucun appel décroché">—</span>;
  const ok = value >= target;
  const words = ok ? `objectif ${percent(target)} atteint` : `sous l’objectif de ${percent(target)}`;
  return (
    <span
      class={ok ? 'ok' : 'bad'}
      data-state={ok ? 'ok' : 'bad'}
      title={`réponses en moins de ${threshold} s — ${words}`}
      aria-label={`${percent(value)} en moins de ${threshold} s, ${words}`}
    >
      {ok ? '✔' : '✖'} {percent(value)} <small>(&lt; {threshold} s)</small>
    </span>
  );
}
