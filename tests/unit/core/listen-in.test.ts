// Supervisor listen / whisper / barge (écoute, chuchotement, intervention) in the engine: who may,
// on which call, the audit trail (ListenStarted / ListenEnded), and that a listen-in ends with the
// agent's part of the call, with the call, or when the supervisor's phone goes — never counted.
import { describe, expect, it } from 'vitest';
import { TestSite } from './harness.js';

function onCall(): TestSite {
  const s = new TestSite();
  s.login('arm-1', 'arm-2');
  s.call('c1');
  expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
  return s;
}

describe('supervisor listen-in', () => {
  it('a supervisor listens through the agent leg, then stops: both ends recorded, telephony told', () => {
    const s = onCall();
    const r = s.ok({ type: 'startListening', callId: 'c1', supervisorId: 'sup-1', mode: 'whisper' });
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'ListenStarted',
        callId: 'c1',
        supervisorId: 'sup-1',
        agentId: 'arm-1',
        mode: 'whisper',
      }),
    ]);
    expect(r.effects).toEqual([
      {
        type: 'listenIn',
        callId: 'c1',
        supervisorId: 'sup-1',
        agentId: 'arm-1',
        mode: 'whisper',
        autoAnswer: false,
      },
    ]);
    expect(s.callState('c1')!.listeners).toEqual([
      { supervisorId: 'sup-1', agentId: 'arm-1', mode: 'whisper', since: s.now },
    ]);
    const started = s.now;
    s.now += 42_000;
    const end = s.ok({ type: 'stopListening', callId: 'c1', supervisorId: 'sup-1' });
    expect(end.events).toEqual([
      expect.objectContaining({
        type: 'ListenEnded',
        reason: 'stopped',
        startedAt: started,
        at: s.now,
        mode: 'whisper',
      }),
    ]);
    expect(end.effects).toEqual([{ type: 'stopListening', callId: 'c1', supervisorId: 'sup-1' }]);
    expect(s.callState('c1')!.listeners).toBeUndefined();
    expect(s.agent('arm-1').status).toBe('on-call'); // the agent's call is untouched
  });

  it('refuses bad input and states that do not allow it, changing nothing', () => {
    const s = onCall();
    s.call('c2'); // answered by arm-2
    s.call('c3'); // waits: nobody left
    const before = JSON.stringify(s.state.data);
    const refused = (cmd: Parameters<TestSite['try']>[0], reason: string) =>
      expect(s.try(cmd)).toMatchObject({ ok: false, reason });
    refused(
      { type: 'startListening', callId: 'c1', supervisorId: 'sup-1', mode: 'spy' as never },
      'bad-listen-mode',
    );
    refused(
      { type: 'startListening', callId: 'c1', supervisorId: 'arm-2', mode: 'listen' },
      'not-a-supervisor',
    );
    refused(
      { type: 'startListening', callId: 'c1', supervisorId: 'mru-1', mode: 'listen' },
      'not-a-supervisor',
    );
    refused(
      { type: 'startListening', callId: 'nope', supervisorId: 'sup-1', mode: 'listen' },
      'unknown-call',
    );
    refused(
      { type: 'startListening', callId: 'c3', supervisorId: 'sup-1', mode: 'listen' },
      'no-agent-on-call',
    );
    refused(
      { type: 'startListening', callId: 'c1', supervisorId: 'sup-1', mode: 'listen', agentId: 'arm-2' },
      'agent-not-on-call',
    );
    refused({ type: 'stopListening', callId: 'c1', supervisorId: 'sup-1' }, 'not-listening');
    refused(
      { type: 'stopListening', callId: 'c1', supervisorId: 'sup-1', reason: 'x' as never },
      'bad-reason',
    );
    expect(JSON.stringify(s.state.data)).toBe(before);
    s.ok({ type: 'startListening', callId: 'c1', supervisorId: 'sup-1', mode: 'listen' });
    const listening = JSON.stringify(s.state.data);
    refused(
      { type: 'startListening', callId: 'c1', supervisorId: 'sup-1', mode: 'barge' },
      'already-listening',
    );
    refused(
      { type: 'startListening', callId: 'c2', supervisorId: 'sup-1', mode: 'listen' },
      'supervisor-busy',
    );
    expect(JSON.stringify(s.state.data)).toBe(listening);
  });

  it('ends with the agent leg on a transfer, and with the call; never counted as an answer or a party', () => {
    const s = onCall();
    s.ok({ type: 'startListening', callId: 'c1', supervisorId: 'sup-1', mode: 'barge' });
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1' });
    const t = s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' });
    const ended = t.events.find((e) => e.type === 'ListenEnded');
    expect(ended).toMatchObject({ reason: 'agent-left', agentId: 'arm-1', mode: 'barge' });
    // The listen-in is cleaned up before the agent's leg is released.
    const kinds = t.effects.map((f) => f.type);
    expect(kinds.indexOf('stopListening')).toBeLessThan(kinds.indexOf('releaseAgent'));

    s.call('c2'); // arm-1 is in wrap-up: arm-2 answers
    const agentOfC2 = s.callState('c2')!.parties[0]!.agentId;
    s.ok({ type: 'startListening', callId: 'c2', supervisorId: 'sup-1', mode: 'listen' });
    const h = s.ok({ type: 'callerHungUp', callId: 'c2' });
    expect(h.events.filter((e) => e.type === 'ListenEnded')).toEqual([
      expect.objectContaining({ reason: 'call-ended', agentId: agentOfC2 }),
    ]);
    expect(h.effects).toContainEqual({ type: 'stopListening', callId: 'c2', supervisorId: 'sup-1' });
    expect(s.events('CallConnected')).toHaveLength(2); // two answers, none for the supervisor
  });

  it('the phone hanging up or never answering ends it; a late report after the end is refused harmlessly', () => {
    const s = onCall();
    s.ok({ type: 'startListening', callId: 'c1', supervisorId: 'sup-1', mode: 'listen' });
    const r = s.ok({ type: 'stopListening', callId: 'c1', supervisorId: 'sup-1', reason: 'unreachable' });
    expect(r.events[0]).toMatchObject({ type: 'ListenEnded', reason: 'unreachable' });
    expect(
      s.try({ type: 'stopListening', callId: 'c1', supervisorId: 'sup-1', reason: 'supervisor-hung-up' }),
    ).toMatchObject({ ok: false, reason: 'not-listening' });
  });
});
