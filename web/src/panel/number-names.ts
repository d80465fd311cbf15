// Outside numbers as the agent reads them (« 18 (pompiers) », « 0240… (SAS 85) »): the usual ones
// and the site's partners whose destination is a number (/web-config.json `site.partners`).
// Pure, no DOM: the dialogs and the panel's sentences use it, and so do the unit tests.

/** A site's partner as /web-config.json sends it: a name, and how telephony reaches it. */
export type NamedPartner = { id: string; name: string; destination: string };

/**
 * Usual outside numbers (illustrative; the field takes any number): `label` on their buttons, `name`
 * in the sentences that say who the agent is talking to (« le 18 (pompiers) en ligne »).
 */
export const USUAL = [
  { number: '18', label: 'Pompiers', name: 'pompiers' },
  { number: '112', label: 'Urgences', name: 'urgences' },
  { number: '115', label: 'Samu social', name: 'Samu social' },
];

/** The API's rule for a number to dial (src/api/routers/outbound-schemas.ts), and its dialed form. */
const DIALABLE = /^\+?[0-9][0-9 .()-]{1,29}$/;
export const dialable = (n: string): string | null =>
  DIALABLE.test(n.trim()) ? n.trim().replace(/[ .()-]/g, '') : null;

/** The partners the panel can dial: those whose destination is a number (not a dialplan name). */
export function dialablePartners(partners: readonly NamedPartner[]): { number: string; name: string }[] {
  return partners.flatMap((p) => {
    const number = dialable(p.destination);
    return number ? [{ number, name: p.name }] : [];
  });
}

/** A number with its name when it is a usual one or a partner's (« 18 (pompiers) »), else bare. */
export function numberName(number: string, partners: readonly NamedPartner[] = []): string {
  const name =
    USUAL.find((u) => u.number === number)?.name ??
    dialablePartners(partners).find((p) => p.number === number)?.name;
  return name ? `${number} (${name})` : number;
}
