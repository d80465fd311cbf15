// The consultative outside transfer on the panel (docs/lrm.md, docs/web.md): the number to call,
// typed in a dialog (Entrée calls, Échap gives up), and the words for where the outside party is.
// The keys themselves (Transférer l’appelant, conférence à 3, Reprendre l’appelant) are the
// panel's `consult` step (src/core/panel-keys.ts), the only keys live while the agent consults.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CallView } from '../types.js';
import { Kbd } from '../ui.js';
import { keyLabel } from './keys.js';
import { dialable, dialablePartners, numberName, USUAL, type NamedPartner } from './number-names.js';

export { numberName } from './number-names.js';

export type Consultation = NonNullable<CallView['consultation']>;

/** Where the outside party is, in words (never a colour alone). */
export function consultState(
  c: Consultation,
  partners: readonly NamedPartner[] = [],
): { symbol: string; text: string } {
  const who = numberName(c.number, partners);
  return c.answered
    ? { symbol: '✔', text: `le ${who} en ligne — l’appelant patiente en musique` }
    : { symbol: '☎', text: `le ${who} : sonnerie en cours — l’appelant patiente en musique` };
}

/** Where a blind outside transfer is while it rings, in words. */
export function outsideTransferState(
  t: NonNullable<CallView['outsideTransfer']>,
  partners: readonly NamedPartner[] = [],
  lost = false,
): string {
  // Connection lost: whether it still rings is unknown; never shown as if live.
  if (lost)
    return `le ${numberName(t.number, partners)} : état inconnu (connexion perdue) — restez en ligne avec l’appelant`;
  return `le ${numberName(t.number, partners)} : sonnerie en cours — restez en ligne, vous quitterez l’appel à son décroché`;
}

/** The buttons under the number field: the usual numbers, then the site's partners dialed by number. */
function shortcuts(partners: readonly NamedPartner[]): { number: string; label: string }[] {
  return [...USUAL, ...dialablePartners(partners).map((p) => ({ number: p.number, label: p.name }))];
}

export function ConsultDialog(props: {
  partners?: readonly NamedPartner[];
  onDial: (number: string) => void;
  onCancel: () => void;
}) {
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
          {shortcuts(props.partners ?? []).map((u) => (
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

/**
 * The blind outside transfer (docs/web.md): the number, then a confirmation, since it cannot be
 * undone once the number answers (the agent leaves the call). As in every dangerous confirmation
 * of the panel, Entrée and Échap cancel; only the transfer key pressed again confirms, so two
 * Entrée in a row (the habit of the consultation dialog) never hand a caller over.
 */
export function OutsideTransferDialog(props: {
  /** The key that opened the dialog (X by default); pressed again at the confirmation, it transfers. */
  confirmKey: string;
  partners?: readonly NamedPartner[];
  onTransfer: (number: string) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [number, setNumber] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
    field.current?.focus();
  }, []);
  useEffect(() => {
    if (confirming) cancel.current?.focus();
    else field.current?.focus();
  }, [confirming]);
  const next = (n: string) => {
    // The API's own rule (digits, spaces, + . ( ) -): said here, before the confirmation.
    const v = dialable(n);
    if (v) {
      setInvalid(false);
      setConfirming(v);
    } else {
      setInvalid(n.trim() !== '');
      field.current?.focus();
    }
  };
  const key = props.confirmKey.length === 1 ? props.confirmKey.toLowerCase() : props.confirmKey;
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="outside-title"
      data-testid="outside-dialog"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
      onKeyDown={(e) => {
        if (!confirming || e.ctrlKey || e.altKey || e.metaKey) return;
        const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
        if (k !== key) return;
        e.preventDefault();
        props.onTransfer(confirming);
      }}
    >
      {confirming ? (
        <>
          <h2 id="outside-title">Transférer l’appelant et quitter l’appel ?</h2>
          <p class="outside-number" data-testid="outside-confirm-number">
            {numberName(confirming, props.partners)}
          </p>
          <p>
            Au décroché, vous quittez l’appel : <strong>l’appelant ne pourra pas vous être rendu</strong>.
            S’il ne répond pas, vous gardez l’appelant.
          </p>
          <div class="row">
            <button type="button" class="danger" onClick={() => props.onTransfer(confirming)}>
              Transférer et quitter <Kbd k={keyLabel(props.confirmKey)} />
            </button>
            <button type="button" onClick={() => setConfirming(null)}>
              Corriger le numéro
            </button>
            <button ref={cancel} type="button" onClick={props.onCancel} data-testid="outside-cancel">
              Annuler <Kbd k="Entrée / Échap" />
            </button>
          </div>
        </>
      ) : (
        <>
          <h2 id="outside-title">Transfert direct vers l’extérieur</h2>
          <p>
            Vous quittez l’appel dès que le correspondant décroche, sans lui parler d’abord (pour lui parler
            d’abord : transfert accompagné, E).
          </p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              next(number);
            }}
          >
            <label>
              <span>Numéro à appeler</span>
              <input
                ref={field}
                data-testid="outside-number"
                inputMode="tel"
                autocomplete="off"
                aria-invalid={invalid}
                value={number}
                onInput={(e) => setNumber(e.currentTarget.value)}
              />
            </label>
            {invalid && (
              <p class="error" role="alert">
                Numéro invalide : chiffres seulement (espaces, + . ( ) - admis).
              </p>
            )}
            <div class="keys">
              {shortcuts(props.partners ?? []).map((u) => (
                <button type="button" key={u.number} onClick={() => next(u.number)}>
                  {u.number} {u.label}
                </button>
              ))}
            </div>
            <div class="row">
              <button type="submit" class="primary">
                Continuer <Kbd k="Entrée" />
              </button>
              <button type="button" onClick={props.onCancel}>
                Annuler <Kbd k="Échap" />
              </button>
            </div>
          </form>
        </>
      )}
    </dialog>
  );
}
