// Annex 3, table 3 of the instruction ("Tableau 3 : les 23 indicateurs complémentaires qu’il faudra
// faire remonter si possible à la DGOS annuellement dans le cadre d’un bilan d’activité réalisé
// par chaque SAS"): the 23 items with the annex's numbers and French wording (line breaks joined,
// list punctuation at the end of a line dropped), an English gloss for the data dictionary, and
// where each value comes from:
// - `telephony`: computed by sas-acd from its events (annex source "Outils SI/téléphonie SAMU");
// - `mg-decisions`: computed from the MG branch's dispositions through the site's mapping
//   (annex source "Tableau de suivi des décisions/orientations de la filière MG");
// - `lrm-import`: held by the regulation software only (annex source "outils SI du SAMU (LRM)"),
//   imported like the base zéro and labelled as imported.
import type { AnnexRole } from './role-labels.js';

export type Table3Source = 'telephony' | 'mg-decisions' | 'lrm-import';
/** Which column of the report is the item's value in the yearly table 3. */
export type Table3Scope = 'sas' | 'pdsa';

export type Table3Item = {
  item: number;
  /** The annex's wording, word for word. */
  label: string;
  gloss: string;
  source: Table3Source;
  unit: 'calls' | 'seconds';
  scope: Table3Scope;
  /** telephony items: the annex role of items 9–13. */
  role?: AnnexRole;
};

const t3 = (
  item: number,
  label: string,
  gloss: string,
  source: Table3Source,
  more: Partial<Pick<Table3Item, 'unit' | 'scope' | 'role'>> = {},
): Table3Item => ({ item, label, gloss, source, unit: 'calls', scope: 'sas', ...more });

const duration = (item: number, label: string, gloss: string, role: AnnexRole) =>
  t3(item, label, gloss, 'telephony', { unit: 'seconds', role });

/**
 * Scope: the annex's footnote says "Les horaires du SAS sont en journée et jour ouvrés, en
 * complémentarité avec les horaires de PDSA", items 14 and 19 say "aux horaires SAS c’est-à-dire
 * hors horaires réglementaires de PDSA", items 5 and 6 say "aux horaires PDSA": so the value is
 * the SAS-hours column, except items 5 and 6 (PDSA hours). The report keeps all three columns.
 */
export const TABLE3_ITEMS: Table3Item[] = [
  t3(
    1,
    'Nombre de DR : un dossier est qualifié de dossier de régulation (DR) lorsqu’il regroupe l’ensemble des informations collectées, des mesures prises et du suivi assuré, à la suite d’une information à caractère médical, médicosocial ou sanitaire, portée à la connaissance du SAS (exemples : recherche d’une pharmacie de garde à la suite d’une prescription médicale ; trouble du sommeil ; problème social réorienté vers le 115 ; recherche du dentiste de garde ; information du CTA/Codis sans problème de santé, etc.)',
    "Number of DR (files with a medical, medico-social or health content but no medical regulation). Annex source: the LRM. The ACD's own count of calls qualified DR is in the sas-acd section, to reconcile.",
    'lrm-import',
  ),
  t3(
    2,
    'Nombre de conseils « aller aux urgences » délivrés',
    'Advice to go to the emergency department given (MG decisions).',
    'mg-decisions',
  ),
  t3(
    3,
    'Nombre de prescriptions médicamenteuses téléphoniques délivrées (Cadre de référence HAS, Prescription Médicamenteuse Téléphonique (2009))',
    'Telephone drug prescriptions given (HAS framework, 2009) (MG decisions).',
    'mg-decisions',
  ),
  t3(
    4,
    'Nombre d’appels au médecin traitant du patient',
    "Calls to the patient's own GP (MG decisions).",
    'mg-decisions',
  ),
  t3(
    5,
    'Nombre de consultations chez un médecin prises aux horaires PDSA',
    'Consultations with a doctor booked in PDSA hours (MG decisions, PDSA-hours column).',
    'mg-decisions',
    {
      scope: 'pdsa',
    },
  ),
  t3(
    6,
    'Nombre de visites d’un médecin au domicile aux horaires de PDSA',
    'Home visits by a doctor in PDSA hours (MG decisions, PDSA-hours column).',
    'mg-decisions',
    {
      scope: 'pdsa',
    },
  ),
  t3(
    7,
    "Nombre de visites d'un professionnel de santé au domicile organisées par la filière MG du SAS",
    'Home visits by a health professional organised by the MG branch (MG decisions).',
    'mg-decisions',
  ),
  t3(
    8,
    'Nombre de Rdv de téléconsultation pris par le SAS',
    'Teleconsultation appointments booked by the SAS (MG decisions).',
    'mg-decisions',
  ),
  duration(
    9,
    "Durée moyenne des appels pris en charge par l'assistant de régulation médicale de front office",
    'Mean duration of the calls taken by the front-office (N1) ARM, calls it kept included (P0, one-level mode).',
    'front-office-arm',
  ),
  duration(
    10,
    'Durée moyenne des appels pris en charge par l’ARM N2 de la filière AMU',
    'Mean duration of the calls taken by the N2 ARM of the AMU branch.',
    'n2-amu-arm',
  ),
  duration(
    11,
    "Durée moyenne des appels pris en charge par l'opérateur de soins non programmés de la filière MG",
    'Mean duration of the calls taken by the OSNP of the MG branch (N2 and N4 legs of one call added).',
    'osnp',
  ),
  duration(
    12,
    'Durée moyenne des appels pris en charge par le médecin régulateur libéral',
    'Mean duration of the calls taken by the GP (private practice) regulator.',
    'mrg',
  ),
  duration(
    13,
    'Durée moyenne des appels pris en charge par le médecin régulateur hospitalier',
    'Mean duration of the calls taken by the hospital (emergency) regulator.',
    'mru',
  ),
  t3(
    14,
    'Nombre total de moyens opérationnels déclenchés par le SAS, c’est à dire par la régulation médicale des deux filières AMU et MG (aux horaires SAS c’est-à-dire hors horaires réglementaires de PDSA)',
    'Operational resources sent by the SAS medical regulation (AMU and MG), SAS hours (LRM).',
    'lrm-import',
  ),
  t3(15, 'dont nombre de SMUR', 'of which SMUR (mobile emergency units) (LRM).', 'lrm-import'),
  t3(16, 'dont nombre d’ambulances privées', 'of which private ambulances (LRM).', 'lrm-import'),
  t3(
    17,
    'dont nombre de VSAV déclenchés par le SAS dont VSAV par carence ambulancière',
    'of which fire-brigade ambulances (VSAV) sent by the SAS, including for lack of private ambulances (LRM).',
    'lrm-import',
  ),
  t3(
    18,
    'dont nombre de VSAV déclenchés en prompt secours par le CODIS',
    'of which VSAV sent by the CODIS as prompt relief (LRM).',
    'lrm-import',
  ),
  t3(
    19,
    "Nombre total d'orientations prises par le SAS, c’est à dire par la régulation médicale des deux filières AMU et MG, suite au déclenchement de moyens opérationnels (aux horaires SAS c’est-à-dire hors horaires réglementaires de PDSA)",
    'Orientations decided by the SAS medical regulation after resources were sent, SAS hours (LRM).',
    'lrm-import',
  ),
  t3(
    20,
    'dont vers un établissement de santé (hors SU)',
    'of which to a hospital (not an emergency department) (LRM).',
    'lrm-import',
  ),
  t3(21, "dont vers un service d'urgence", 'of which to an emergency department (LRM).', 'lrm-import'),
  t3(22, 'dont vers des soins de ville', 'of which to community care (LRM).', 'lrm-import'),
  t3(23, 'dont laissé sur place', 'of which left at home (LRM).', 'lrm-import'),
];

/** The id of a table 3 item in the import file and the CSV: "t3.N", N the annex's number. */
export const table3Id = (item: number) => `t3.${item}`;
