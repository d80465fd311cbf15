// The example site shipped with sas-acd: one SAS serving one department, with the default
// queues and lines of the two-level answer. Documented field by field in docs/config.md.
// Every number the source documents do not fix (thresholds other than N1's 30 s, ring and
// wrap-up times, overflow delays, staff) is a LOCAL, ILLUSTRATIVE choice.
import type { z } from 'zod';
import type { siteConfigSchema } from './config.js';

type SiteInput = z.input<typeof siteConfigSchema>;
type AgentInput = NonNullable<SiteInput['agents']>[number];

const arm = (n: number, extra: Partial<AgentInput> = {}): AgentInput => ({
  id: `arm-${n}`,
  name: `ARM ${n}`,
  roles: ['arm' as const],
  skills: [{ queue: 'n1', preference: 1 }],
  autoAnswer: true,
  wrapUpSeconds: 5,
  endpoint: `PJSIP/arm-${n}`,
  ...extra,
});

export const exampleSite: SiteInput = {
  id: '44',
  name: 'SAS 44 — Loire-Atlantique (exemple)',
  departments: ['44'],
  calendar: {
    timeZone: 'Europe/Paris',
    pdsa: { weekdayFrom: '20:00', weekdayUntil: '08:00', saturdayFrom: '12:00', publicHolidays: true },
    extraHolidays: [],
  },
  modes: { default: 'two-level', rules: [] },
  partners: [{ id: '85', name: 'SAS 85 — Vendée (exemple)', destination: 'partner-sas-85' }],
  lines: [
    { id: '15', label: 'Centre 15', department: '44', entryQueue: 'n1', priority: 1 },
    { id: '116117', label: '116 117', department: '44', entryQueue: 'n1', priority: 1 },
    {
      id: 'sdis',
      label: 'CTA-CODIS (sapeurs-pompiers)',
      kind: 'fire-brigade',
      department: '44',
      entryQueue: 'n2-amu',
      directQueues: ['n1', 'n2-amu', 'n2-mg'],
      priority: 5,
    },
    {
      id: 'pro',
      label: 'Ligne des professionnels',
      kind: 'professional',
      department: '44',
      entryQueue: 'n1',
      priority: 5,
    },
    {
      id: 'atsu',
      label: 'Transporteurs sanitaires',
      kind: 'professional',
      department: '44',
      entryQueue: 'n1',
      priority: 3,
    },
  ],
  queues: [
    {
      id: 'n1',
      name: 'Niveau 1 (ARM)',
      stage: 'n1',
      branch: 'amu',
      roles: ['arm'],
      thresholdSeconds: 30,
      alarmAfterSeconds: 30,
      // Illustrative: after 45 s an N1 call may also be offered to N2 AMU ARMs (coordonnateur).
      overflow: { tiers: [{ afterSeconds: 45, addQueues: ['n2-amu'] }] },
    },
    {
      id: 'n2-amu',
      name: 'Niveau 2 AMU (ARM)',
      stage: 'n2',
      branch: 'amu',
      roles: ['arm'],
      thresholdSeconds: 60, // local choice
      alarmAfterSeconds: 60, // local choice: a P1 waiting at N2 AMU
    },
    {
      id: 'reg-amu',
      name: 'Régulation AMU (MRU)',
      stage: 'regulation',
      branch: 'amu',
      roles: ['mru'],
      thresholdSeconds: 120,
    },
    {
      id: 'n2-mg',
      name: 'Niveau 2 MG (OSNP / MRG)',
      stage: 'n2',
      branch: 'mg',
      roles: ['osnp', 'mrg'],
      thresholdSeconds: 120, // local choice
      overflow: { partner: { partnerId: '85', afterSeconds: 900 } }, // local choice
    },
    {
      id: 'reg-mg',
      name: 'Régulation MG (MRG)',
      stage: 'regulation',
      branch: 'mg',
      roles: ['mrg'],
      thresholdSeconds: 300,
    },
    {
      id: 'book-mg',
      name: 'Prise de rendez-vous (OSNP N4)',
      stage: 'booking',
      branch: 'mg',
      roles: ['osnp'],
      thresholdSeconds: 600,
    },
    {
      id: 'reg-pdsa',
      name: 'Régulation PDSA',
      stage: 'regulation',
      branch: 'mg',
      roles: ['mrg'],
      thresholdSeconds: 300,
    },
  ],
  agents: [
    arm(1),
    arm(2),
    arm(3),
    arm(4, {
      skills: [
        { queue: 'n1', preference: 1 },
        { queue: 'n2-amu', preference: 2 },
      ],
      name: 'ARM coordonnateur',
    }),
    {
      id: 'arm-5',
      name: 'ARM 5 (N2 AMU)',
      roles: ['arm'],
      skills: [{ queue: 'n2-amu', preference: 1 }],
      endpoint: 'PJSIP/arm-5',
    },
    {
      id: 'arm-6',
      name: 'ARM 6 (N2 AMU)',
      roles: ['arm'],
      skills: [{ queue: 'n2-amu', preference: 1 }],
      endpoint: 'PJSIP/arm-6',
    },
    {
      id: 'mru-1',
      name: 'Dr MRU 1',
      roles: ['mru'],
      skills: [{ queue: 'reg-amu', preference: 1 }],
      endpoint: 'PJSIP/mru-1',
    },
    {
      id: 'osnp-1',
      name: 'OSNP 1',
      roles: ['osnp'],
      skills: [
        { queue: 'n2-mg', preference: 1 },
        { queue: 'book-mg', preference: 2 },
      ],
      endpoint: 'PJSIP/osnp-1',
    },
    {
      id: 'mrg-1',
      name: 'Dr MRG 1',
      roles: ['mrg'],
      skills: [
        { queue: 'reg-mg', preference: 1 },
        { queue: 'n2-mg', preference: 2 },
        { queue: 'reg-pdsa', preference: 1 },
      ],
      endpoint: 'PJSIP/mrg-1',
    },
    // Its phone rings for a listen-in (docs/supervision.md).
    { id: 'sup-1', name: 'Superviseur', roles: ['supervisor'], skills: [], endpoint: 'PJSIP/sup-1' },
  ],
  routing: {
    p1Queue: 'n2-amu',
    p2Queue: 'n2-mg',
    keptAsQueue: 'n2-amu',
    doctorQueue: 'reg-amu',
    mgHours: 'sas',
    p2OutsideMgHours: 'reg-pdsa',
    p2WithoutGpRegulator: 'reg-amu',
    reorientationPriority: 8,
    conferencePriority: 9,
    callbackOfferAfterSeconds: 300, // local choice
    transferMode: 'blind',
  },
  dispositions: [
    'conseil-medical',
    'orientation-urgences',
    'prescription-telephonique',
    'medecin-traitant',
    'consultation',
    'visite-domicile',
    'teleconsultation',
    'visite-organisee',
    'envoi-moyens',
    'autre',
  ],
  roleExceptions: [],
};
