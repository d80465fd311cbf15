// A blind outside transfer still ringing (src/core/rules/outside-calls.ts, ringingHandOver): the
// caller is promised to the number, so its agent's hang-up (which would cut the caller), a transfer
// to a queue and bringing in a doctor are refused and change nothing; once the number answers the
// agent has left, and once it fails the agent is back in charge of the caller.
import { describe, expect, it } from 'vitest';
import { TestSite, exampleConfig } from './harness.js';

function handingOver(): TestSite {
  const s = new TestSite(
    exampleConfig((c) => {
      for (const a of c.agents as { id: string; wrapUpSeconds?: number }[]) a.wrapUpSeconds = 0;
    }),
  );
  s.login('arm-1');
  s.call('c1');
  s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1' });
  s.ok({
    type: 'dialOut',
    callId: 'o1',
    agentId: 'arm-1',
    number: '18',
    purpose: 'external-transfer',
    parentCallId: 'c1',
    handOver: true,
  });
  return s;
}

describe('a blind outside transfer still ringing', () => {
  it("refuses the agent's hang-up, a transfer and the doctor, changing nothing", () => {
    const s = handingOver();
    const before = JSON.stringify(s.state.data);
    for (const cmd of [
      { type: 'hangUp', callId: 'c1', agentId: 'arm-1' },
      { type: 'transferCall', callId: 'c1', agentId: 'arm-1' },
      { type: 'bringInDoctor', callId: 'c1', agentId: 'arm-1' },
    ] as const)
      expect(s.try(cmd), cmd.type).toMatchObject({ ok: false, reason: 'transfer-in-progress' });
    expect(JSON.stringify(s.state.data)).toBe(before);
    expect(s.events('CallEnded')).toEqual([]);
  });

  it('lets the agent go once the number answers; the caller is the number’s', () => {
    const s = handingOver();
    s.ok({ type: 'outsideAnswered', callId: 'o1' });
    expect(s.callState('c1')!.parties).toEqual([]);
    expect(s.agent('arm-1').status).toBe('available');
    // The agent is no longer on the call: its hang-up is refused as for any stranger to it.
    expect(s.try({ type: 'hangUp', callId: 'c1', agentId: 'arm-1' })).toMatchObject({ ok: false });
    expect(s.events('CallEnded')).toEqual([]);
  });

  it('gives the caller back to the agent when the number does not take it: hang-up and transfer allowed', () => {
    const s = handingOver();
    s.ok({ type: 'callerHungUp', callId: 'o1' }); // busy, unanswered or refused: the outbound call ends
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' });
    expect(s.callState('c1')!.pending?.queueId).toBeDefined();
  });
});
