// Trunk occupancy and calls refused before distribution, per line (docs/trunks.md): what a naïve
// ACD never sees (annex 2 condition 5). Read from GET …/trunks every 5 s; a line at 100 % and any
// refused call are shown as alarms. Lines without configured channels show their busy channels only.
// A failed or hanging request keeps the last figures on screen, faded under a stale line whose age
// ticks (use-stale-poll.ts), as the dependencies panel does: a full trunk must never vanish silently.
import { percent, plural } from '../i18n.js';
import { StaleLine } from './StaleLine.js';
import { useStalePoll } from './use-stale-poll.js';
import './dependencies.css';

const POLL_MS = 5_000;
/** No good answer for this long (a request hanging, not failing): stale too. */
const STALE_MS = 15_000;

type TrunkLine = {
  line: string;
  label: string | null;
  channels: number | null;
  busy: number;
  occupancy: number | null;
  peak15: number;
  refusedToday: number;
};

export function Trunks({ siteId }: { siteId: string }) {
  const poll = useStalePoll<{ at: number; lines: TrunkLine[] }>(() => `/sites/${siteId}/trunks`, null, {
    pollMs: POLL_MS,
    staleMs: STALE_MS,
    key: siteId,
  });
  const { data, stale } = poll;
  return (
    <section
      class={`lines trunks ${stale ? 'stale' : ''}`}
      aria-label="Occupation des lignes"
      data-testid="trunks"
      data-stale={stale}
      tabIndex={0}
    >
      <h2>Occupation des lignes (canaux opérateur)</h2>
      <StaleLine
        poll={poll}
        at={data?.at ?? null}
        what="Occupation des lignes"
        testId="trunks-age"
        action="trunks-refresh"
      />
      {data && (
        <ul class="trunk-list">
          {data.lines.map((l) => (
            <li
              key={l.line}
              data-trunk={l.line}
              class={l.occupancy === 1 || l.refusedToday > 0 ? 'switched' : ''}
            >
              <span class="line-name">{l.label ?? l.line}</span>
              <span class="badge" data-testid="trunk-busy">
                {l.channels
                  ? `${l.busy} / ${plural(l.channels, 'canal', 'canaux')} (${percent(l.occupancy ?? 0)})`
                  : plural(l.busy, 'canal occupé', 'canaux occupés')}
              </span>
              <span class="badge">pointe 15 min : {l.peak15}</span>
              <span class="badge" data-testid="trunk-refused">
                {l.refusedToday > 0
                  ? `⚠ ${l.refusedToday} appel${l.refusedToday > 1 ? 's' : ''} refusé${l.refusedToday > 1 ? 's' : ''} aujourd’hui (lignes saturées)`
                  : 'aucun appel refusé aujourd’hui'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
