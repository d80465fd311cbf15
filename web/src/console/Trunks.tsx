// Trunk occupancy and calls refused before distribution, per line (docs/trunks.md): what a naïve
// ACD never sees (annex 2 condition 5). Read from GET …/trunks every 5 s; a line at 100 % and any
// refused call are shown as alarms. Lines without configured channels show their busy channels only.
import { useEffect, useState } from 'preact/hooks';
import { percent, plural } from '../i18n.js';
import { api } from '../session.js';

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
  const [lines, setLines] = useState<TrunkLine[] | null>(null);
  useEffect(() => {
    let stop = false;
    const load = () =>
      api<{ lines: TrunkLine[] }>('GET', `/sites/${siteId}/trunks`).then(
        (r) => !stop && setLines(r.lines),
        () => !stop && setLines(null),
      );
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [siteId]);
  if (!lines) return null;
  return (
    <section class="lines trunks" aria-label="Occupation des lignes" data-testid="trunks">
      <h2>Occupation des lignes (canaux opérateur)</h2>
      <ul>
        {lines.map((l) => (
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
    </section>
  );
}
