// The line above a polled panel's figures (use-stale-poll.ts): when they were measured and how long
// ago, or, in the lost-connection colours, that they are stale since then and why; with the panel's
// « Actualiser » button (Tab-reachable). Styles in dependencies.css (.dep-age).
import { clock, duration } from '../i18n.js';
import type { StalePoll } from './use-stale-poll.js';

export function StaleLine<T>({
  poll,
  at,
  what,
  testId,
  action,
}: {
  poll: StalePoll<T>;
  /** The server's time of the figures shown (null: none yet). */
  at: number | null;
  /** The panel's subject, for « … indisponible ». */
  what: string;
  testId: string;
  action: string;
}) {
  const refresh = (
    <button type="button" data-action={action} onClick={() => poll.refresh()}>
      Actualiser
    </button>
  );
  if (poll.data === null || at === null)
    return (
      <p class="dep-age" role="status" data-testid={testId}>
        {poll.error ? `⚠ ${what} indisponible : ${poll.error}` : 'Mesure en cours…'} {refresh}
      </p>
    );
  const age = duration(poll.age ?? 0);
  return (
    <p class={`dep-age ${poll.stale ? 'dep-stale' : ''}`} role="status" data-testid={testId}>
      {poll.stale
        ? `⚠ Données périmées : dernière mesure à ${clock(at)}, il y a ${age}${poll.error ? ` (${poll.error})` : ''}`
        : `Mesuré à ${clock(at)}, il y a ${age}`}{' '}
      {refresh}
    </p>
  );
}
