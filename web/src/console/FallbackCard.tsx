// Today's calls the dialplan fallback's group answered while the ACD was away (the PBX rang the N1
// phones directly): counted in "appels décrochés" and QS 30 s once the ACD is back, shown apart so
// the room sees how many calls went around the ACD (docs/engine.md, "Calls the dialplan fallback
// answered").
import type { FallbackFigures } from './indicators.js';

export function FallbackCard({ figures }: { figures: FallbackFigures | null }) {
  const n = figures?.answered ?? 0;
  const state = n === 0 ? 'none' : 'warn';
  return (
    <div class={`qs-card qs-${state}`} data-testid="fallback-calls">
      <span class="big">{figures === null ? '—' : n}</span>
      <span class="qs-label">{n < 2 ? 'Appel pris' : 'Appels pris'} en secours — aujourd’hui</span>
      <span class="qs-state">
        {n === 0
          ? 'aucun appel hors ACD'
          : `dont ${figures!.within30s} en moins de 30 s, ${n < 2 ? 'compté' : 'comptés'} dans les appels décrochés`}
      </span>
    </div>
  );
}
