// The call-arrived notification in the Hub Santé model, validated with ajv against the hub's own
// JSON Schemas (tests/fixtures/hub-sante, copied from ansforge/SAMU-Hub-Modeles): the EDXL-DE
// envelope, the RC-DE distribution element, and the RC-EDA createCase.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { lrmEvents } from '../../../src/lrm/lrm-events.js';
import { rcEdaCallArrived } from '../../../src/lrm/hub-sante.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const schema = (name: string) =>
  JSON.parse(readFileSync(`tests/fixtures/hub-sante/${name}.schema.json`, 'utf8')) as object;

// One Ajv per schema: the hub's schemas share one `$id`.
function compile(name: string): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema(name));
}
const envelope = compile('EDXL-DE-envelope-only');
const rcDe = compile('RC-DE');
const rcEda = compile('RC-EDA');

type Msg = { content: { jsonContent: { embeddedJsonContent: { message: Record<string, unknown> } } }[] };

function check(doc: unknown): string[] {
  const errors: string[] = [];
  const report = (what: string, v: ValidateFunction, x: unknown) => {
    if (!v(x)) errors.push(...v.errors!.map((e) => `${what}${e.instancePath} ${e.message}`));
  };
  report('envelope', envelope, doc);
  const message = (doc as Msg).content[0]!.jsonContent.embeddedJsonContent.message;
  report('RC-DE', rcDe, message);
  report('RC-EDA', rcEda, message.createCase);
  return errors;
}

const OPTIONS = {
  organization: 'fr.health.samu440',
  controlRoom: 'SAS 44',
  recipient: 'fr.health.samu440.lrm',
  status: 'Exercise' as const,
  timeZone: 'Europe/Paris',
};

function arrived(callerNumber: string | null, callerName: string | null) {
  return lrmEvents('44', [
    {
      type: 'CallArrived',
      at: Date.UTC(2026, 2, 2, 9, 0, 7),
      callId: 'chan-1',
      line: '15',
      department: '44',
      originSite: '44',
      callerNumber,
      callerName,
      mode: 'two-level',
      period: 'sas',
      priority: 0,
    },
  ])[0]!;
}

describe('Hub Santé RC-EDA', () => {
  it("the hub's own valid sample passes the three schemas (the way they are used is right)", () => {
    expect(
      check(JSON.parse(readFileSync('tests/fixtures/hub-sante/sample-valid-RC-EDA.json', 'utf8'))),
    ).toEqual([]);
  });

  it('the call-arrived message is valid and carries the reception time, caller and callback contact, call-taker', () => {
    const doc = rcEdaCallArrived(arrived('+33612345678', 'Jeanne Dupont'), OPTIONS);
    expect(check(doc)).toEqual([]);
    const message = (doc as Msg).content[0]!.jsonContent.embeddedJsonContent.message;
    expect(message.createCase).toMatchObject({
      caseId: expect.stringMatching(/^fr\.health\.samu440\.SAS44-/),
      creation: '2026-03-02T10:00:07+01:00',
      initialAlert: {
        reception: '2026-03-02T10:00:07+01:00',
        caller: {
          callerContact: { type: 'TEL', detail: '+33612345678' },
          callbackContact: { detail: '+33612345678' },
          detailedName: { complete: 'Jeanne Dupont' },
        },
        callTaker: { organization: 'fr.health.samu440', controlRoom: 'SAS 44' },
      },
    });
    expect(doc).toMatchObject({ distributionStatus: 'Exercise', senderID: 'fr.health.samu440' });
  });

  it('a withheld number still gives a valid message (no callback contact)', () => {
    const doc = rcEdaCallArrived(arrived(null, null), OPTIONS);
    expect(check(doc)).toEqual([]);
  });

  it('the validation can fail: a time in Z and a missing location are refused', () => {
    const doc = rcEdaCallArrived(arrived('+33612345678', null), OPTIONS) as Msg;
    const createCase = doc.content[0]!.jsonContent.embeddedJsonContent.message.createCase as Record<
      string,
      unknown
    >;
    createCase.creation = '2026-03-02T09:00:07Z';
    delete createCase.location;
    const errors = check(doc);
    expect(errors.some((e) => e.startsWith('RC-EDA/creation'))).toBe(true);
    expect(errors.some((e) => e.includes("must have required property 'location'"))).toBe(true);
  });
});
