// The lines and their switches to a partner SAS (bascule): each line by its label, local or switched
// (to whom, which share, since when); a switch names its partner and its share (whole, or a part of
// the line's calls), then asks for confirmation; restore brings the line back.
import { useState } from 'preact/hooks';
import { clock, percent } from '../i18n.js';
import { api } from '../session.js';
import type { WebConfig } from '../types.js';
import type { Room } from './room.js';

export type Pending = { title: string; text: string; run: () => Promise<unknown>; done: string };

/** Shares a supervisor picks from: the whole line, or a part of its calls (every other call…). */
export const SHARES = [1, 0.75, 0.5, 0.25] as const;

export function Lines(props: {
  room: Room;
  site: WebConfig['site'];
  siteId: string;
  onAction: (p: Pending) => void;
}) {
  const { room, site, siteId } = props;
  const partners = site?.partners ?? [];
  const partnerName = (id: string) => partners.find((p) => p.id === id)?.name ?? id;
  return (
    <section class="lines" aria-label="Lignes" data-testid="lines">
      <h2>Lignes</h2>
      <ul>
        {(site?.lines ?? []).map((l) => {
          const sw = room.lineSwitches.find((s) => s.line === l.id);
          return (
            <li key={l.id} data-line={l.id} class={sw ? 'switched' : ''}>
              <span class="line-name">{l.label}</span>
              <span class="badge">
                {sw
                  ? `⇄ Basculée vers ${partnerName(sw.partnerId)}${sw.share < 1 ? ` (${percent(sw.share)} des appels)` : ''} depuis ${clock(sw.from)}`
                  : '● Reçue ici'}
              </span>
              {sw ? (
                <button
                  type="button"
                  onClick={() =>
                    props.onAction({
                      title: `Reprendre la ligne ${l.label} ?`,
                      text: 'Les appels de cette ligne arriveront de nouveau dans cette salle.',
                      run: () => api('POST', `/sites/${siteId}/lines/${l.id}/restore`, {}),
                      done: `Ligne ${l.label} reprise.`,
                    })
                  }
                >
                  Reprendre
                </button>
              ) : (
                partners.length > 0 && (
                  <SwitchForm
                    line={l}
                    partners={partners}
                    onSwitch={(partnerId, share) => {
                      const name = partnerName(partnerId);
                      const part =
                        share === 1 ? 'Tous les nouveaux appels' : `${percent(share)} des nouveaux appels`;
                      props.onAction({
                        title: `Basculer la ligne ${l.label} vers ${name}${share < 1 ? ` (${percent(share)})` : ''} ?`,
                        text: `${part} de cette ligne iront au SAS partenaire jusqu’à la reprise.`,
                        run: () => api('POST', `/sites/${siteId}/lines/${l.id}/switch`, { partnerId, share }),
                        done: `Ligne ${l.label} basculée vers ${name}${share < 1 ? ` (${percent(share)})` : ''}.`,
                      });
                    }}
                  />
                )
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function SwitchForm(props: {
  line: { id: string; label: string };
  partners: { id: string; name: string }[];
  onSwitch: (partnerId: string, share: number) => void;
}) {
  const [partnerId, setPartnerId] = useState(props.partners[0]!.id);
  const [share, setShare] = useState<number>(1);
  const id = `line-${props.line.id}`;
  return (
    <span class="row switch-form">
      <label>
        <span class="field-label">Vers</span>
        <select
          id={`${id}-partner`}
          data-testid="partner"
          value={partnerId}
          onChange={(e) => setPartnerId(e.currentTarget.value)}
        >
          {props.partners.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="field-label">Part</span>
        <select
          id={`${id}-share`}
          data-testid="share"
          value={String(share)}
          onChange={(e) => setShare(Number(e.currentTarget.value))}
        >
          {SHARES.map((s) => (
            <option key={s} value={String(s)}>
              {s === 1 ? 'Toute la ligne' : `${percent(s)} des appels`}
            </option>
          ))}
        </select>
      </label>
      <button type="button" data-action="switch" onClick={() => props.onSwitch(partnerId, share)}>
        Basculer
      </button>
    </span>
  );
}
