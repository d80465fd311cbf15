// Call detail records driven through the real engine: hand-computed calls (every wait with its
// arithmetic), no personal data in any record or CSV, and properties over random command runs
// checked against the engine and the indicators reducer. Times are Paris local, UTC+1 in March 2026.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allRecords,
  applyCdrEvent,
  closedRecords,
  createCdrBook,
  recordsArrivedIn,
  type CdrBook,
  type CdrRecord,
} from '../../../src/core/indicators/cdr.js';
import { rollUp } from '../../../src/core/indicators/spans.js';
import { CDR_COLUMNS, cdrCsv } from '../../../src/report/cdr-csv.js';
import { TestSite, exampleConfig } from '../core/harness.js';
import { randomConfig as config, randomRun, runCommands, type RandomRun } from '../core/random-commands.js';
import { indicate } from './drive.js';

/** Paris local time in March 2026 (UTC+1) as epoch ms. */
const paris = (h: number, m: number, s = 0) => Date.UTC(2026, 2, 2, h - 1, m, s);

// Phones answer by hand, ring for ever and have no wrap-up: every wait is set by the test.
const manualConfig = exampleConfig((c) => {
  for (const a of c.agents as {
    autoAnswer?: boolean;
    ringNoAnswerSeconds?: number;
    wrapUpSeconds?: number;
  }[]) {
    a.autoAnswer = false;
    a.ringNoAnswerSeconds = 0;
    a.wrapUpSeconds = 0;
  }
});

// The personal data used below: none may appear in a record or a CSV.
const CALLER = { callerNumber: '0699887766', callerName: 'Jeanne Appelante' };
const DRM = { name: 'Paul Patient', phone: '0655443322' };
const DIALLED = '0644332211';
const PERSONAL = [CALLER.callerNumber, CALLER.callerName, DRM.name, DRM.phone, DIALLED, '0611223344'];

function book(s: TestSite): CdrBook {
  const b = createCdrBook(s.state.data.config);
  for (const e of s.log) applyCdrEvent(b, e);
  return b;
}

const only = (b: CdrBook, callId: string): CdrRecord => {
  const found = allRecords(b).filter((r) => r.callId === callId);
  expect(found).toHaveLength(1);
  return found[0]!;
};

const sites: TestSite[] = [];
function site(h: number, m: number, ...agents: string[]): TestSite {
  const s = new TestSite(manualConfig, paris(h, m));
  s.login(...agents);
  sites.push(s);
  return s;
}

describe('a P1 call through N1, N2 AMU and the emergency doctor', () => {
  const s = site(10, 0, 'arm-1', 'arm-5', 'mru-1');
  s.call('c1', '15', CALLER); // 10:00:00, rings arm-1
  s.advance(4.5);
  s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'arm-1' }); // 10:00:04.5: first answer, 4.5 s
  s.advance(20);
  s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1', ...DRM }); // 10:00:24.5
  s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' }); // N1 talk 20 s; rings arm-5
  s.advance(10);
  s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'arm-5' }); // 10:00:34.5: 10 s in n2-amu
  s.advance(60);
  s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-5' }); // 10:01:34.5: N2 talk 60 s → reg-amu
  s.advance(5);
  s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'mru-1' }); // 10:01:39.5: 5 s with the doctor's queue
  s.advance(120);
  s.ok({ type: 'hangUp', callId: 'c1', agentId: 'mru-1', disposition: 'envoi-moyens' }); // 10:03:39.5
  const b = book(s);

  it('gives one closed record with the agents, the path and the waits', () => {
    expect(closedRecords(b)).toHaveLength(1);
    expect(only(b, 'c1')).toEqual({
      callId: 'c1',
      direction: 'inbound',
      outboundPurpose: null,
      parentCallId: null,
      line: '15',
      department: '44',
      originSite: '44',
      arrivedAt: '2026-03-02T10:00:00+01:00',
      period: 'sas',
      mode: 'two-level',
      firstAnsweredAt: '2026-03-02T10:00:04.500+01:00',
      waitBeforeFirstAnswerSeconds: 4.5, // 10:00:04.5 − 10:00:00
      answeredWithin30s: true, // 4.5 s < 30 s
      abandoned: false,
      abandonedInQueue: null,
      abandonWaitSeconds: null,
      shortAbandon: false,
      n1AgentId: 'arm-1',
      n1AnsweredAt: '2026-03-02T10:00:04.500+01:00',
      qualification: 'P1',
      qualifiedAt: '2026-03-02T10:00:24.500+01:00',
      drmId: 'drm-c1',
      kept: false,
      queuePath: 'n1>n2-amu>reg-amu',
      n2AgentIds: ['arm-5', 'mru-1'],
      reorientations: 0,
      doctorConferenced: false,
      disposition: 'envoi-moyens',
      callbackOffered: false,
      callbackAccepted: false,
      redirectedTo: null,
      outcome: 'completed',
      endedAt: '2026-03-02T10:03:39.500+01:00', // 4.5 + 20 + 10 + 60 + 5 + 120 = 219.5 s after 10:00
      endedBy: 'agent',
      talkSeconds: 200, // arm-1 20 + arm-5 60 + mru-1 120
      agentsSpoken: 3,
      inProgress: false,
    });
  });

  it('renders it as CSV with the documented columns, "," or ";" with a decimal comma', () => {
    const [header, row] = cdrCsv(closedRecords(b), ',').trimEnd().split('\n');
    expect(header).toBe(CDR_COLUMNS.map((c) => c.name).join(','));
    expect(row).toContain(',4.5,1,0,,,0,arm-1,');
    expect(row).toContain(',n1>n2-amu>reg-amu,arm-5>mru-1,0,0,envoi-moyens,0,0,,completed,');
    const semi = cdrCsv(closedRecords(b), ';').trimEnd().split('\n');
    expect(semi[0]).toBe(CDR_COLUMNS.map((c) => c.name).join(';'));
    expect(semi[1]).toContain(';4,5;1;0;;;0;arm-1;');
    expect(semi[1]!.split(';')).toHaveLength(CDR_COLUMNS.length);
    for (const c of CDR_COLUMNS) expect(c.description.length, c.name).toBeGreaterThan(10);
  });
});

describe('a P0 kept at N1 with the doctor conferenced', () => {
  const s = site(11, 0, 'arm-1', 'mru-1');
  s.call('c2', '15', CALLER); // 11:00:00
  s.advance(2);
  s.ok({ type: 'answerOffer', callId: 'c2', agentId: 'arm-1' }); // 11:00:02: 2 s
  s.advance(10);
  s.ok({ type: 'qualifyCall', callId: 'c2', agentId: 'arm-1', qualification: 'P0', ...DRM }); // kept
  s.ok({ type: 'bringInDoctor', callId: 'c2', agentId: 'arm-1' }); // 11:00:12: conference reg-amu
  s.advance(8);
  s.ok({ type: 'answerOffer', callId: 'c2', agentId: 'mru-1' }); // 11:00:20
  s.advance(60);
  s.ok({ type: 'hangUp', callId: 'c2', agentId: 'mru-1' }); // 11:01:20: the doctor leaves, 60 s
  s.advance(30);
  s.ok({ type: 'hangUp', callId: 'c2', agentId: 'arm-1', disposition: 'envoi-moyens' }); // 11:01:50
  const r = only(book(s), 'c2');

  it('is kept, conferenced, and counts both agents’ talk', () => {
    expect(r).toMatchObject({
      qualification: 'P0',
      kept: true,
      doctorConferenced: true,
      queuePath: 'n1+reg-amu',
      n1AgentId: 'arm-1',
      n2AgentIds: ['mru-1'],
      waitBeforeFirstAnswerSeconds: 2,
      answeredWithin30s: true,
      endedAt: '2026-03-02T11:01:50+01:00',
      endedBy: 'agent',
      outcome: 'completed',
      // arm-1 11:00:02 → 11:01:50 = 108 s; mru-1 11:00:20 → 11:01:20 = 60 s.
      talkSeconds: 168,
      agentsSpoken: 2,
      inProgress: false,
    });
  });
});

describe('abandons at N1', () => {
  // arm-1 is logged in but never picks up: the calls ring and wait alone in n1.
  const s = site(12, 0, 'arm-1');
  s.call('c3', '15', CALLER); // 12:00:00
  s.advance(3);
  s.ok({ type: 'callerHungUp', callId: 'c3' }); // 12:00:03: 3 s
  s.call('c4', '116117', CALLER); // 12:00:03
  s.advance(40);
  s.ok({ type: 'callerHungUp', callId: 'c4' }); // 12:00:43: 40 s
  const b = book(s);

  it('flags the 3 s abandon as short and the 40 s one as not', () => {
    const common = {
      abandoned: true,
      abandonedInQueue: 'n1',
      firstAnsweredAt: null,
      waitBeforeFirstAnswerSeconds: null,
      answeredWithin30s: false,
      n1AgentId: null,
      qualification: 'none',
      queuePath: 'n1',
      outcome: 'abandoned',
      endedBy: 'caller',
      talkSeconds: 0,
      agentsSpoken: 0,
    };
    expect(only(b, 'c3')).toMatchObject({ ...common, abandonWaitSeconds: 3, shortAbandon: true });
    expect(only(b, 'c4')).toMatchObject({
      ...common,
      line: '116117',
      abandonWaitSeconds: 40,
      shortAbandon: false,
      endedAt: '2026-03-02T12:00:43+01:00',
    });
  });

  it('filters records by arrival in [from, to)', () => {
    const all = closedRecords(b);
    expect(recordsArrivedIn(all, paris(12, 0), paris(12, 0, 3)).map((r) => r.callId)).toEqual(['c3']);
    expect(recordsArrivedIn(all, paris(12, 0, 3), paris(13, 0)).map((r) => r.callId)).toEqual(['c4']);
    expect(recordsArrivedIn(all, paris(11, 0), paris(12, 0))).toEqual([]);
  });
});

describe('a P2 call accepting a callback, then the outbound callback', () => {
  // mrg-1 logged in keeps P2 in n2-mg (without a GP regulator it would go to the AMU doctors).
  const s = site(13, 0, 'arm-1', 'osnp-1', 'mrg-1');
  s.call('c5', '15', CALLER); // 13:00:00
  s.advance(1);
  s.ok({ type: 'answerOffer', callId: 'c5', agentId: 'arm-1' }); // 13:00:01
  s.advance(10);
  s.ok({ type: 'qualifyCall', callId: 'c5', agentId: 'arm-1', qualification: 'P2', ...DRM });
  s.ok({ type: 'transferCall', callId: 'c5', agentId: 'arm-1' }); // 13:00:11: n2-mg, rings osnp-1
  s.advance(300); // 13:05:11: 300 s in n2-mg, a callback is offered
  s.ok({ type: 'acceptCallback', callId: 'c5' });
  s.ok({ type: 'claimCallback', taskId: 'cb-c5', agentId: 'osnp-1' });
  s.advance(30);
  s.ok({
    type: 'dialOut',
    callId: 'o1',
    agentId: 'osnp-1',
    number: DIALLED,
    purpose: 'callback',
    taskId: 'cb-c5',
  });
  s.advance(90);
  s.ok({ type: 'hangUp', callId: 'o1', agentId: 'osnp-1' }); // 13:07:11
  const b = book(s);

  it('records the callback offered and accepted on the inbound call', () => {
    expect(only(b, 'c5')).toMatchObject({
      qualification: 'P2',
      queuePath: 'n1>n2-mg',
      n2AgentIds: [],
      callbackOffered: true,
      callbackAccepted: true,
      abandoned: false,
      outcome: 'callback',
      endedBy: 'system',
      endedAt: '2026-03-02T13:05:11+01:00',
      talkSeconds: 10,
    });
  });

  it('records the callback as an outbound call, linked, never answered within 30 s', () => {
    expect(only(b, 'o1')).toMatchObject({
      direction: 'outbound',
      outboundPurpose: 'callback',
      parentCallId: 'c5',
      line: null,
      originSite: null,
      department: '44',
      arrivedAt: '2026-03-02T13:05:41+01:00',
      period: 'sas',
      mode: 'two-level',
      firstAnsweredAt: null,
      waitBeforeFirstAnswerSeconds: null,
      answeredWithin30s: false,
      qualification: 'none',
      endedBy: 'agent',
      talkSeconds: 90,
      agentsSpoken: 1,
      inProgress: false,
    });
  });
});

describe('a reorientation MG → AMU', () => {
  const s = site(14, 0, 'arm-1', 'osnp-1', 'mrg-1', 'arm-5');
  s.call('c6', '15', CALLER);
  s.ok({ type: 'answerOffer', callId: 'c6', agentId: 'arm-1' }); // 14:00:00, 0 s
  s.advance(15);
  s.ok({ type: 'qualifyCall', callId: 'c6', agentId: 'arm-1', qualification: 'P2', ...DRM });
  s.ok({ type: 'transferCall', callId: 'c6', agentId: 'arm-1' }); // 14:00:15 → n2-mg
  s.advance(20);
  s.ok({ type: 'answerOffer', callId: 'c6', agentId: 'osnp-1' }); // 14:00:35
  s.advance(30);
  s.ok({ type: 'transferCall', callId: 'c6', agentId: 'osnp-1', to: 'n2-amu' }); // 14:01:05, mg-to-amu
  s.advance(5);
  s.ok({ type: 'answerOffer', callId: 'c6', agentId: 'arm-5' }); // 14:01:10
  s.advance(40);
  s.ok({ type: 'hangUp', callId: 'c6', agentId: 'arm-5', disposition: 'conseil-medical' }); // 14:01:50
  // A call still in progress at the end of the events: arm-1 answers at 14:01:50, then 30 s later
  // another call arrives (the last event read).
  s.call('c7', '15', CALLER);
  s.ok({ type: 'answerOffer', callId: 'c7', agentId: 'arm-1' });
  s.advance(30);
  s.call('c8', '15', CALLER);
  const b = book(s);

  it('counts one reorientation and keeps the path and the N2 agents in order', () => {
    expect(only(b, 'c6')).toMatchObject({
      qualification: 'P2',
      queuePath: 'n1>n2-mg>n2-amu',
      n2AgentIds: ['osnp-1', 'arm-5'],
      reorientations: 1,
      disposition: 'conseil-medical',
      talkSeconds: 85, // arm-1 15 + osnp-1 30 + arm-5 40
      agentsSpoken: 3,
    });
  });

  it('reports calls in progress apart, with their fields so far', () => {
    expect(closedRecords(b).map((r) => r.callId)).toEqual(['c6']);
    expect(allRecords(b).map((r) => r.callId)).toEqual(['c6', 'c7', 'c8']);
    expect(only(b, 'c7')).toMatchObject({
      inProgress: true,
      endedAt: null,
      endedBy: null,
      outcome: null,
      n1AgentId: 'arm-1',
      answeredWithin30s: true,
      talkSeconds: 30, // 14:01:50 → 14:02:20, the last event read
    });
    expect(only(b, 'c8')).toMatchObject({ inProgress: true, queuePath: 'n1', firstAnsweredAt: null });
  });
});

describe('personal data', () => {
  it('never appears in a record or a CSV (caller number and name, DRM name and phone, number dialled)', () => {
    // Every site above used them; the events carry them, the records must not.
    const events = JSON.stringify(sites.flatMap((s) => s.log));
    for (const p of PERSONAL.slice(0, 5)) expect(events).toContain(p);
    const records = sites.flatMap((s) => allRecords(book(s)));
    expect(records.length).toBeGreaterThanOrEqual(9);
    const outputs = [JSON.stringify(records), cdrCsv(records, ','), cdrCsv(records, ';')];
    for (const out of outputs) for (const p of PERSONAL) expect(out).not.toContain(p);
    for (const banned of ['callerNumber', 'callerName', 'name', 'phone', 'number'])
      for (const r of records) expect(Object.keys(r)).not.toContain(banned);
  });
});

// Random engine runs: the shared command generator of the core property tests, carrying the
// personal data above so that the records and the CSV can be checked for leaks.
const run = (r: RandomRun) => runCommands(r, { personal: { caller: CALLER, drm: DRM, dialled: DIALLED } });

describe('call detail records over random engine runs', () => {
  it('give one record per call, first answer before the end, and the indicators’ count within 30 s', () => {
    fc.assert(
      fc.property(randomRun(), (r) => {
        const { s, log } = run(r);
        const b = createCdrBook(config);
        for (const e of log) applyCdrEvent(b, e);
        const records = allRecords(b);
        const inbound = records.filter((r) => r.direction === 'inbound');
        expect(inbound.map((r) => r.callId).sort()).toEqual(
          log.flatMap((e) => (e.type === 'CallArrived' ? [e.callId] : [])).sort(),
        );
        expect(records.length - inbound.length).toBe(
          log.filter((e) => e.type === 'OutboundCallPlaced').length,
        );
        // In progress exactly the calls the engine still holds.
        expect(
          records
            .filter((r) => r.inProgress)
            .map((r) => r.callId)
            .sort(),
        ).toEqual(Object.keys(s.data.calls).sort());
        for (const r of records) {
          if (r.firstAnsweredAt !== null && r.endedAt !== null)
            expect(Date.parse(r.firstAnsweredAt)).toBeLessThanOrEqual(Date.parse(r.endedAt));
          expect(r.inProgress).toBe(r.endedAt === null);
          if (r.shortAbandon) expect(r.abandoned && r.firstAnsweredAt === null).toBe(true);
        }
        const within = [...rollUp(indicate(config, log), 'year').values()].reduce(
          (n, span) => n + span.all.calls.answeredWithin,
          0,
        );
        expect(records.filter((r) => r.answeredWithin30s).length).toBe(within);
        const csv = cdrCsv(records, ';');
        for (const p of [CALLER.callerNumber, CALLER.callerName, DRM.name, DRM.phone, DIALLED])
          expect(csv).not.toContain(p);
      }),
      { numRuns: 200 },
    );
  });
});
