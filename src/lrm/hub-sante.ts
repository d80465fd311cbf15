// The call-arrived notification in the national model of the health message hub (Hub Santé):
// an RC-EDA `createCase` inside an RC-DE distribution element inside an EDXL-DE envelope, as the
// hub's public models define them (ansforge/SAMU-Hub-Modeles; the schemas are in
// tests/fixtures/hub-sante and the test validates this message against them). An LRM already on
// the hub reads it without an adapter. What maps and what does not: docs/lrm.md, "Hub Santé".
import { DateTime } from 'luxon';
import type { LrmEvent } from './lrm-events.js';

export type HubSanteOptions = {
  /** The hub organisation of the site, `{pays}.{domaine}.{organisation}`, e.g. fr.health.samu440. */
  organization: string;
  /** The call centre (`callTaker.controlRoom`), e.g. SAS 44. */
  controlRoom: string;
  /** The recipient on the hub (the LRM's routing key), e.g. fr.health.samu440.lrm. */
  recipient: string;
  /** Actual in production, Exercise for training and tests. */
  status?: 'Actual' | 'Exercise';
  timeZone: string;
  /** RC-EDA reference version the message follows. */
  referenceVersion?: string;
};

/** The hub wants an explicit offset, never `Z` (RC-DE `sentAt`): 2026-03-02T10:00:00+01:00. */
const hubTime = (iso: string, zone: string) =>
  DateTime.fromISO(iso, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");

// Nothing is known of the facts when the call arrives: the generic code of the hub's "fait"
// nomenclature (C11.06.00, "Autre nature de fait") until the LRM qualifies the case.
const UNKNOWN_FACT = { code: 'C11.06.00', label: 'Autre nature de fait' };

/** The EDXL-DE envelope with an RC-EDA createCase for a `call.arrived` event. */
export function rcEdaCallArrived(event: LrmEvent, opts: HubSanteOptions): Record<string, unknown> {
  if (event.type !== 'call.arrived') throw new Error(`RC-EDA is built for call.arrived, not ${event.type}`);
  const d = event.data as { callerNumber: string | null; callerName: string | null; department: string };
  const at = hubTime(event.at, opts.timeZone);
  const caseId = `${opts.organization}.${event.callRef}`;
  const messageId = `${opts.organization}_${event.id}`;
  const status = opts.status ?? 'Actual';
  // The network gives no position: a location with only its id and the country (both required).
  const location = { locID: `${event.callRef}-L1`, country: 'FR' };
  const qualification = { whatsHappen: UNKNOWN_FACT };
  const contact = { channel: 'PERSONNE', type: 'TEL', detail: d.callerNumber ?? 'masqué' };
  const createCase = {
    caseId,
    senderCaseId: event.callRef,
    creation: at,
    referenceVersion: opts.referenceVersion ?? '1.3',
    qualification,
    location,
    initialAlert: {
      id: `${event.callRef}-A1`,
      reception: at,
      reporting: 'STANDARD',
      caller: {
        callerContact: contact,
        ...(d.callerNumber ? { callbackContact: contact } : {}),
        ...(d.callerName ? { detailedName: { complete: d.callerName } } : {}),
      },
      location,
      qualification,
      callTaker: { organization: opts.organization, controlRoom: opts.controlRoom },
    },
  };
  const sender = { name: opts.organization.split('.').pop()!, URI: `hubex:${opts.organization}` };
  return {
    distributionID: messageId,
    senderID: opts.organization,
    dateTimeSent: at,
    dateTimeExpires: hubTime(DateTime.fromISO(event.at).plus({ days: 1 }).toISO()!, opts.timeZone),
    distributionStatus: status,
    distributionKind: 'Report',
    descriptor: {
      language: 'fr-FR',
      explicitAddress: { explicitAddressScheme: 'hubex', explicitAddressValue: opts.recipient },
    },
    content: [
      {
        jsonContent: {
          embeddedJsonContent: {
            message: {
              messageId,
              sender,
              sentAt: at,
              kind: 'Report',
              status,
              recipient: [{ name: opts.recipient.split('.').pop()!, URI: `hubex:${opts.recipient}` }],
              createCase,
            },
          },
        },
      },
    ],
  };
}
