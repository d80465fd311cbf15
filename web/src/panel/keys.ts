// The panel's key map. Bare keys (no Ctrl/Alt/Meta) typed outside a text field: browsers bind none
// of them (Chrome and Firefox keep F1, F3, F5–F7, F10–F12 and the Ctrl/Alt combinations), so no
// shortcut is stolen and every key is the same in both. In a DRM field the keys type text: Échap
// (or Entrée) leaves the field, then the key acts. Each button shows its key.
import { DISPOSITION_DIGITS, panelKeyMaps } from '../../../src/core/panel-keys.js';

export type KeyMap = Record<string, string>;

// The default maps (src/core/panel-keys.ts, a pure module: no zod in the bundle); a site's own map
// comes in /web-config.json (`site.keys`) and replaces them.
const DEFAULTS = panelKeyMaps();
/** Actions at every step. */
export const DESK_KEYS: KeyMap = DEFAULTS.desk;
/** First answer (N1): the DRM fields and the qualification, one key each. */
export const N1_KEYS: KeyMap = DEFAULTS.n1;
/** N2 and doctors: transfer onwards, reorientation, conference, hang-up; dispositions on digits. */
export const N2_KEYS: KeyMap = DEFAULTS.n2;
/** During a consultative outside transfer: hand over, three-way, take the caller back. */
export const CONSULT_KEYS: KeyMap = DEFAULTS.consult;
/** While this agent's blind outside transfer rings: take it back (Échap). */
export const HANDOVER_KEYS: KeyMap = DEFAULTS.handover;

export const DISPOSITION_KEYS: readonly string[] = DISPOSITION_DIGITS;

/** The digit a key means, by what it types or where it is (AZERTY digit row, number pad). */
export function digitOf(e: KeyboardEvent): string | null {
  if (/^\d$/.test(e.key)) return e.key;
  return e.shiftKey ? null : (/^(?:Digit|Numpad)(\d)$/.exec(e.code)?.[1] ?? null);
}

/** Shown on the key caps: what the person reads on the keyboard. */
export function keyLabel(k: string): string {
  if (k === 'Enter') return 'Entrée';
  if (k === 'Escape') return 'Échap';
  return k.length === 1 ? k.toUpperCase() : k;
}

/** The key of an action in a map (for its button). */
export function keyOf(map: KeyMap, action: string): string | undefined {
  return Object.entries(map).find(([, a]) => a === action)?.[0];
}

/** The action a keydown asks for, or null when the key belongs to the browser or a text field. */
export function actionOf(e: KeyboardEvent, maps: KeyMap[]): string | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return null;
  // Taken by a dialog that has just closed on it (a pause reason, a destination): not a second action.
  if (e.defaultPrevented) return null;
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return null;
  if (t?.tagName === 'BUTTON' && e.key === 'Enter') return null; // Entrée presses the focused button
  if (document.querySelector('dialog[open]')) return null;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  for (const m of maps) if (m[k]) return m[k]!;
  // On a French (AZERTY) keyboard the digit row types & é " ' … without Maj: the key's place
  // (Digit1) still means 1, as the number pad does.
  const digit = digitOf(e);
  if (digit) for (const m of maps) if (m[digit]) return m[digit]!;
  return null;
}
