// The consultative outside transfer on the panel (docs/lrm.md, docs/web.md): the number to call,
// typed in a dialog (Entrée calls, Échap gives up), and the words for where the outside party is.
// The keys themselves (Transférer l’appelant, conférence à 3, Reprendre l’appelant) are the
// panel's `consult` step (src/core/panel-keys.ts), the only keys live while the agent consults.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CallView } from '../types.js';
import { Kbd } from '../ui.js';

export type Consultation = NonNullable<CallView['consultation']>;

/** Where the outside party is, in words (never a colour alone). */
export function consultState(c: Consultation): { symbol: string; text: string } {
  return c.answered
    ? { symbol: '✔', text: `${c.number} en ligne — l’appelant patiente en musique` }
    : { symbol: '☎', text: `${c.number} : sonnerie en cours — l’appelant patiente en musique` };
}

/** Usual outside numbers (illustrative; the field takes any number). */
const USUAL = [
  { number: '18', label: 'Pompiers' },
  { number: '112', label: 'Urgences' },
  { number: '115', label: 'Samu social' },
];

export function ConsultDialog(props: { onDial: (number: string) => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [number, setNumber] = useState('');
  useEffect(() => {
    ref.current?.showModal();
    field.current?.focus();
  }, []);
  const dial = (n: string) => {
    if (n.trim()) props.onDial(n.trim());
    else field.current?.focus();
  };
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="consult-title"
      data-testid="consult-dialog"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="consult-title">Transfert accompagné vers l’extérieur</h2>
      <p>L’appelant patiente en musique pendant que vous parlez au correspondant.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          dial(number);
        }}
      >
        <label>
          <span>Numéro à appeler</span>
          <input
            ref={field}
            data-testid="consult-number"
            inputMode="tel"
            autocomplete="off"
            value={number}
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
        </label>
        <div class="keys">
          {USUAL.map((u) => (
            <button type="button" key={u.number} onClick={() => dial(u.number)}>
              {u.number} {u.label}
            </button>
          ))}
        </div>
        <div class="row">
          <button type="submit" class="primary">
            Appeler <Kbd k="Entrée" />
          </button>
          <button type="button" onClick={props.onCancel}>
            Annuler <Kbd k="Échap" />
          </button>
        </div>
      </form>
    </dialog>
  );
}
