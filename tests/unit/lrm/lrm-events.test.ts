// What the LRM hears of a consultative outside transfer (docs/lrm.md, "Events to the LRM"): each
// step is an event of the caller's call naming the outbound call; every consultation started ends
// with exactly one of completed, ended (with its reason) or kept; the ids are the same when the
// same engine events are mapped again (another process, a restart) and never repeat.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { callRef } from '../../../src/lrm/call-ref.js';
import { lrmEvents, type LrmEvent } from '../../../src/lrm/lrm-events.js';
import { TestSite, exampleConfig } from '../core/harness.js';

/** c1 answered by arm-1, who consults the fire brigade (o1), then `steps`. */
function run(steps: (Command | 'advance')[]): { s: TestSite; events: LrmEvent[] } {
  const s = new TestSite(
    exampleConfig((c) => {
      for (const a of c.agents as { id: string; wrapUpSeconds?: number }[]) a.wrapUpSeconds = 0;
    }),
  );
  s.login('arm-1');
  s.call('c1');
  s.advance(2);
  s.ok({
    type: 'dialOut',
    callId: 'o1',
    agentId: 'arm-1',
    number: '18',
    purpose: 'external-transfer',
    parentCallId: 'c1',
    consult: true,
  });
  for (const step of steps) {
    if (step === 'advance') s.advance(3);
    else s.ok(step);
  }
  return { s, events: lrmEvents('44', s.log) };
}

const consultation = (events: LrmEvent[]) =>
  events.filter((e) => e.type.startsWith('consultation.')).map((e) => [e.type, e.data]);

const answered: Command = { type: 'outsideAnswered', callId: 'o1' };
const common = { agentId: 'arm-1', outCallId: 'o1', outCallRef: callRef('44', 'o1') };

describe('LRM events of a consultative outside transfer', () => {
  it('started, answered, completed as a transfer: on the caller call, naming the outbound call', () => {
    const { events } = run([
      'advance',
      answered,
      'advance',
      { type: 'completeConsultation', callId: 'c1', agentId: 'arm-1' },
      { type: 'callerHungUp', callId: 'o1' },
    ]);
    expect(consultation(events)).toEqual([
      ['consultation.started', { ...common, number: '18', purpose: 'external-transfer' }],
      ['consultation.answered', common],
      ['consultation.completed', { ...common, mode: 'transfer' }],
    ]);
    const started = events.find((e) => e.type === 'consultation.started')!;
    expect(started).toMatchObject({ siteId: '44', callId: 'c1', callRef: callRef('44', 'c1') });
    // The outbound call's own events as before, linked to the caller's call.
    const dialed = events.find((e) => e.type === 'call.dialed-out')!;
    expect(dialed).toMatchObject({
      callId: 'o1',
      data: { parentCallId: 'c1', parentCallRef: callRef('44', 'c1') },
    });
    expect(events.indexOf(dialed)).toBeLessThan(events.indexOf(started));
    // The caller's call: arrived, answered, the steps, then ended once.
    expect(events.filter((e) => e.callId === 'c1').map((e) => e.type)).toEqual([
      'call.arrived',
      'call.answered',
      'consultation.started',
      'consultation.answered',
      'consultation.completed',
      'call.ended',
    ]);
  });

  it('each way out: conference, cancelled, the number ending, the leg lost, the caller hanging up', () => {
    const cases: [(Command | 'advance')[], [string, Record<string, unknown>]][] = [
      [
        [answered, { type: 'completeConsultation', callId: 'c1', agentId: 'arm-1', mode: 'conference' }],
        ['consultation.completed', { ...common, mode: 'conference' }],
      ],
      [
        [answered, { type: 'cancelConsultation', callId: 'c1', agentId: 'arm-1' }],
        ['consultation.ended', { ...common, reason: 'cancelled' }],
      ],
      [
        [{ type: 'callerHungUp', callId: 'o1' }],
        ['consultation.ended', { ...common, reason: 'outside-ended' }],
      ],
      [
        [answered, { type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' }],
        ['consultation.ended', { ...common, reason: 'leg-lost' }],
      ],
      [
        [answered, { type: 'callerHungUp', callId: 'c1' }],
        ['consultation.kept', common],
      ],
    ];
    for (const [steps, last] of cases) {
      const { events } = run(steps);
      const steps_ = consultation(events);
      expect(steps_[0]![0]).toBe('consultation.started');
      // Exactly one way out, and it is the last step.
      expect(steps_.filter(([t]) => t !== 'consultation.started' && t !== 'consultation.answered')).toEqual([
        last,
      ]);
      expect(steps_.at(-1)).toEqual(last);
    }
  });

  it('the same engine events give the same ids; no id twice', () => {
    const { s, events } = run([
      answered,
      { type: 'cancelConsultation', callId: 'c1', agentId: 'arm-1' },
      {
        type: 'dialOut',
        callId: 'o2',
        agentId: 'arm-1',
        number: '15',
        purpose: 'external-transfer',
        parentCallId: 'c1',
        consult: true,
      },
      { type: 'callerHungUp', callId: 'o2' },
    ]);
    expect(lrmEvents('44', s.log).map((e) => e.id)).toEqual(events.map((e) => e.id));
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(consultation(events).map(([t]) => t)).toEqual([
      'consultation.started',
      'consultation.answered',
      'consultation.ended',
      'consultation.started',
      'consultation.ended',
    ]);
    // Ids are safe as a BullMQ job id and an HTTP header.
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._~-]+$/);
  });

  it('a blind outside transfer or a plain click-to-dial has no consultation events', () => {
    const s = new TestSite(exampleConfig());
    s.login('arm-1');
    s.call('c1');
    s.ok({
      type: 'dialOut',
      callId: 'o1',
      agentId: 'arm-1',
      number: '18',
      purpose: 'external-transfer',
      parentCallId: 'c1',
      handOver: true,
    });
    s.ok({ type: 'outsideAnswered', callId: 'o1' });
    const events = lrmEvents('44', s.log);
    expect(consultation(events)).toEqual([]);
    expect(events.map((e) => e.type)).toContain('call.dialed-out');
  });
});
