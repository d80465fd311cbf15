// The agent takes back a blind outside transfer still ringing (cancelOutsideTransfer,
// src/core/rules/outside-calls.ts): only the number's leg is hung up, the caller stays with the
// agent in the same state as when the number does not answer; refused (changing nothing) when no
// transfer rings, when another agent placed it, or for an agent not on the call.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { TestSite, exampleConfig } from './harness.js';

const transfer = (agentId = 'arm-1'): Command => ({
  type: 'dialOut',
  callId: 'o1',
  agentId,
  number: '18',
  purpose: 'external-transfer',
  parentCallId: 'c1',
  handOver: true,
});

function site(): TestSite {
  const s = new TestSite(
    exampleConfig((c) => {
      for (const a of c.agents as { id: string; wrapUpSeconds?: number }[]) a.wrapUpSeconds = 0;
    }),
  );
  s.login('arm-1', 'mru-1');
  s.call('c1');
  s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1' });
  return s;
}

function ringing(): TestSite {
  const s = site();
  s.ok(transfer());
  return s;
}

describe('cancelling a blind outside transfer that rings', () => {
  it("hangs up the number's leg only; the caller stays with the agent", () => {
    const s = ringing();
    const r = s.ok({ type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' });
    expect(r.effects).toEqual([{ type: 'hangUp', callId: 'o1', reason: 'normal' }]);
    expect(r.events.map((e) => e.type)).toEqual(['OutsideTransferCancelled', 'CallEnded']);
    expect(r.events[0]).toMatchObject({ callId: 'c1', outCallId: 'o1', agentId: 'arm-1' });
    expect(r.events[1]).toMatchObject({ callId: 'o1', by: 'agent', agentId: 'arm-1', answered: false });
    expect(s.callState('o1')).toBeUndefined();
    expect(s.callState('c1')).toMatchObject({ pending: null, qualification: 'P1' });
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    expect(s.agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'c1' });
  });

  it('leaves the site in the same state as a number that does not answer', () => {
    const cancelled = ringing();
    cancelled.ok({ type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' });
    const timedOut = ringing();
    timedOut.ok({ type: 'callerHungUp', callId: 'o1' }); // what the adapter reports at the ring timeout
    expect(cancelled.state.data).toEqual(timedOut.state.data);
  });

  it('gives the agent its keys back: hang-up, transfer, a new outside transfer', () => {
    const s = ringing();
    s.ok({ type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' });
    s.ok({ ...transfer(), callId: 'o2' } as Command);
    s.ok({ type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' });
    s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' });
    expect(s.callState('c1')!.pending?.queueId).toBeDefined();
    expect(s.events('CallEnded').map((e) => e.callId)).toEqual(['o1', 'o2']);
  });

  const refusals: [string, (s: TestSite) => void, Command, string][] = [
    [
      'nothing was dialled',
      () => undefined,
      { type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' },
      'no-transfer-ringing',
    ],
    [
      'the number did not answer',
      (s) => {
        s.ok(transfer());
        s.ok({ type: 'callerHungUp', callId: 'o1' });
      },
      { type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' },
      'no-transfer-ringing',
    ],
    [
      'a conference number rings (no transfer)',
      (s) => s.ok({ ...transfer(), purpose: 'external-conference', handOver: undefined } as Command),
      { type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' },
      'no-transfer-ringing',
    ],
    [
      'the number answered (the agent left)',
      (s) => {
        s.ok(transfer());
        s.ok({ type: 'outsideAnswered', callId: 'o1' });
      },
      { type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' },
      'agent-not-on-call',
    ],
    [
      'an unknown call',
      (s) => s.ok(transfer()),
      { type: 'cancelOutsideTransfer', callId: 'zz', agentId: 'arm-1' },
      'unknown-call',
    ],
    [
      'an agent not on the call',
      (s) => s.ok(transfer()),
      { type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'mru-1' },
      'agent-not-on-call',
    ],
  ];
  for (const [what, setUp, cmd, reason] of refusals)
    it(`is refused, changing nothing, when ${what}`, () => {
      const s = site();
      setUp(s);
      const before = JSON.stringify(s.state.data);
      expect(s.try(cmd)).toMatchObject({ ok: false, reason });
      expect(JSON.stringify(s.state.data)).toBe(before);
    });

  it('is refused to another agent of the call (the doctor of a P0): only the one who placed it cancels', () => {
    const s = new TestSite();
    s.login('arm-1', 'mru-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    s.ok({ type: 'bringInDoctor', callId: 'c1', agentId: 'arm-1' });
    s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'mru-1' });
    s.ok(transfer());
    const before = JSON.stringify(s.state.data);
    const r = s.try({ type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'mru-1' });
    expect(r).toMatchObject({ ok: false, reason: 'transfer-not-yours' });
    expect(JSON.stringify(s.state.data)).toBe(before);
    s.ok({ type: 'cancelOutsideTransfer', callId: 'c1', agentId: 'arm-1' });
    expect(
      s
        .callState('c1')!
        .parties.map((p) => p.agentId)
        .sort(),
    ).toEqual(['arm-1', 'mru-1']);
  });
});
