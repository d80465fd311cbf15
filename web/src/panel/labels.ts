// Words for the site's ids: line labels and queue names come from the site configuration
// (/web-config.json); dispositions have ids only there, so known ones get a French label here
// and others are shown as written, hyphens as spaces.
import type { WebSite } from '../types.js';

const DISPOSITIONS: Record<string, string> = {
  'conseil-medical': 'Conseil médical',
  'orientation-urgences': 'Orientation vers les urgences',
  'prescription-telephonique': 'Prescription téléphonique',
  'medecin-traitant': 'Vers le médecin traitant',
  consultation: 'Consultation',
  'visite-domicile': 'Visite à domicile',
  teleconsultation: 'Téléconsultation',
  'visite-organisee': 'Visite organisée',
  'envoi-moyens': 'Envoi de moyens',
  autre: 'Autre',
};

export function dispositionLabel(id: string): string {
  if (DISPOSITIONS[id]) return DISPOSITIONS[id]!;
  const s = id.replace(/[-_]+/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const lineLabel = (site: WebSite | null, id: string) =>
  site?.lines.find((l) => l.id === id)?.label ?? `ligne ${id}`;

export const queueOf = (site: WebSite | null, id: string | null | undefined) =>
  id ? site?.queues.find((q) => q.id === id) : undefined;

export const queueName = (site: WebSite | null, id: string | null | undefined) =>
  queueOf(site, id)?.name ?? id ?? '—';
