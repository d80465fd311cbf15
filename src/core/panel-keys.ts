// The agent panel's key map, per site: the actions of each step and their default keys (today's
// map), a site's overrides (`panelKeys` in its configuration), and the checks that keep a map
// usable. Pure data and functions, no zod: the browser bundle imports the defaults from here.
//
// Keys are bare keys typed outside a text field (no Ctrl/Alt/Meta), so no browser shortcut is
// taken. A key is one printable character (letters are stored in lower case), "Enter" or "Escape".
// Digits 1–9 and 0 at N2 are the site's dispositions, in their order.

export const PANEL_ACTIONS = {
  desk: ['login', 'ready', 'pause', 'answer', 'mute'],
  n1: [
    'field-name',
    'field-phone',
    'P0',
    'P1',
    'P2',
    'DR',
    'no-file',
    'doctor',
    'hangup',
    'warm',
    'target',
    'consult',
    'outside',
  ],
  n2: ['forward', 'reorient', 'doctor', 'hangup', 'consult', 'outside'],
  // During a consultative outside transfer (docs/lrm.md): the only keys live.
  consult: ['consult-complete', 'consult-conference', 'consult-cancel'],
  // While this agent's blind outside transfer rings: the only step key live, taking it back.
  handover: ['outside-cancel'],
} as const;

export type PanelStep = keyof typeof PANEL_ACTIONS;
export type PanelAction<S extends PanelStep> = (typeof PANEL_ACTIONS)[S][number];
/** A site's overrides: for a step, the key of an action. */
export type PanelKeysConfig = { [S in PanelStep]?: Partial<Record<PanelAction<S>, string>> };
/** What the panel reads: for each step, key → action. */
export type PanelKeyMaps = Record<PanelStep, Record<string, string>>;

const DEFAULTS: { [S in PanelStep]: Record<PanelAction<S>, string> } = {
  // mute: the WebRTC phone's microphone (sites with a gateway)
  desk: { login: 'c', ready: 'd', pause: 'p', answer: 'Enter', mute: 'u' },
  n1: {
    'field-name': 'n',
    'field-phone': 't',
    P0: '0',
    P1: '1',
    P2: '2',
    DR: '3',
    'no-file': '4',
    doctor: 'm',
    hangup: 'r',
    warm: 'a',
    target: 'f',
    consult: 'e', // appel Extérieur accompagné
    outside: 'x', // transfert eXtérieur direct (sans retour: confirmé par X une seconde fois)
  },
  n2: { forward: 'v', reorient: 'f', doctor: 'm', hangup: 'r', consult: 'e', outside: 'x' },
  // Transférer l'appelant, conférence à 3, Reprendre l'appelant.
  consult: { 'consult-complete': 't', 'consult-conference': '3', 'consult-cancel': 'r' },
  // Échap: what cancels everywhere else on the panel (dialogs, fields).
  handover: { 'outside-cancel': 'Escape' },
};

export const DISPOSITION_DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] as const;

/** One printable character other than a space, Enter or Escape. */
export const isPanelKey = (k: string): boolean => k === 'Enter' || k === 'Escape' || /^[^\s\p{C}]$/u.test(k);

const normal = (k: string) => (k.length === 1 ? k.toLowerCase() : k);

/** Action → key of a step, the site's overrides over the defaults. */
function keysOf(step: PanelStep, config: PanelKeysConfig | undefined): [string, string][] {
  const over = (config?.[step] ?? {}) as Record<string, string>;
  return Object.entries(DEFAULTS[step]).map(([action, key]) => [action, normal(over[action] ?? key)]);
}

/** The maps the panel uses (key → action), with the site's overrides. */
export function panelKeyMaps(config?: PanelKeysConfig): PanelKeyMaps {
  const out = { desk: {}, n1: {}, n2: {}, consult: {}, handover: {} } as PanelKeyMaps;
  for (const step of Object.keys(PANEL_ACTIONS) as PanelStep[])
    for (const [action, key] of keysOf(step, config)) out[step][key] = action;
  return out;
}

/** Why a site's key map would not work: a key two actions share where both are live, a digit an N2 disposition holds. */
export function panelKeyErrors(config: PanelKeysConfig | undefined): string[] {
  const errors: string[] = [];
  const desk = keysOf('desk', config);
  for (const step of ['n1', 'n2', 'consult', 'handover'] as const) {
    const seen = new Map<string, string>();
    for (const [action, key] of [...desk, ...keysOf(step, config)]) {
      const other = seen.get(key);
      if (other) errors.push(`panelKeys: "${key}" is both ${other} and ${action} at ${step}`);
      else seen.set(key, action);
      if (step === 'n2' && (DISPOSITION_DIGITS as readonly string[]).includes(key))
        errors.push(`panelKeys: "${key}" (${action}) is an N2 disposition digit`);
    }
  }
  return [...new Set(errors)];
}
