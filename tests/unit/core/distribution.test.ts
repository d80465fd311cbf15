/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
import { describe, expect, it } from 'vitest';
import { TestSite, exampleConfig } from './harness.js';

/** The example site with every agent answering by hand (ring, then answer). */
const manual = () =>
  exampleConfig((c) => {
    for (const a of c.agents as { autoAnswer?: boolean; wrapUpSeconds?: number }[]) {
      a.autoAnswer = false;
      a.wrapUpSeconds = 0;
    }
  });

describe('distribution', () => {
  it('orders a queue by priority class, then original arrival', () => {
    const s = new TestSite(manual());
    s.call('a', '15');
    s.advance(1);
    s.call('b', 'pro'); // priority 5
    s.advance(1);
    s.call('c', '15');
    s.login('arm-1');
    expect(s.agent('arm-1').callId).toBe('b');
    s.ok({ type: 'answerOffer', callId: 'b', agentId: 'arm-1' });
    s.ok({ type: 'hangUp', callId: 'b', agentId: 'arm-1' });
    expect(s.agent('arm-1').callId).toBe('a');
  });

  it('chooses the best skill preference, then the longest idle agent', () => {
    const s = new TestSite(manual());
    s.login('arm-4'); // coordonnateur: n2-amu preference 2
    s.advance(5);
    s.login('arm-6'); // n2-amu preference 1, idle for less time
    s.advance(5);
    s.login('arm-5'); // n2-amu preference 1, idle for the least time
    s.call('f1', 'sdis');
    expect(s.callState('f1')!.pending!.offer!.agentId).toBe('arm-6');
  });

  it('offers a flex agent the most urgent call across its queues', () => {
    const s = new TestSite(manual());
    s.call('n1-call', '15');
    s.advance(2);
    s.call('n2-call', 'sdis'); // priority 5 at N2 AMU
    s.login('arm-4'); // serves n1 (pref 1) and n2-amu (pref 2)
    expect(s.agent('arm-4').callId).toBe('n2-call');
  });

  it('puts an agent who does not answer in time on pause ("non-réponse") and gives the call back its place', () => {
    const s = new TestSite(manual());
    s.login('arm-1');
    s.call('c1');
    s.call('c2');
    const events = s.advance(15);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['CallOfferFailed', 'AgentPaused']));
    expect(s.agent('arm-1')).toMatchObject({ status: 'paused', pauseReason: 'non-réponse' });
    s.login('arm-2');
    expect(s.agent('arm-2').callId).toBe('c1'); // c1 kept its place ahead of c2
  });

  it('takes an offer back when the agent pauses or logs out, and offers it to the next agent', () => {
    const s = new TestSite(manual());
    s.login('arm-1', 'arm-2');
    s.call('c1');
    const first = s.callState('c1')!.pending!.offer!.agentId;
    const r = s.ok({ type: 'agentPause', agentId: first, reason: 'pause' });
    expect(r.effects[0]).toEqual({ type: 'cancelRing', callId: 'c1', agentId: first });
    const second = s.callState('c1')!.pending!.offer!.agentId;
    expect(second).not.toBe(first);
    s.ok({ type: 'agentLogout', agentId: second });
    expect(s.callState('c1')!.pending!.offer).toBeNull();
  });

  it('refuses to log out or pause an agent on a call', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.call('c1');
    expect(s.try({ type: 'agentLogout', agentId: 'arm-1' })).toMatchObject({
      ok: false,
      reason: 'agent-on-call',
    });
    expect(s.try({ type: 'agentPause', agentId: 'arm-1', reason: 'x' })).toMatchObject({
      ok: false,
      reason: 'agent-on-call',
    });
  });

  it('ends wrap-up after its time and offers the next call', () => {
    const s = new TestSite(exampleConfig()); // ARMs wrap up 5 s
    s.login('arm-1');
    s.call('c1');
    s.call('c2');
    s.ok({ type: 'hangUp', callId: 'c1', agentId: 'arm-1' });
    expect(s.agent('arm-1').status).toBe('wrap-up');
    s.advance(4);
    expect(s.agent('arm-1').status).toBe('wrap-up');
    s.advance(1);
    expect(s.agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'c2' });
  });
});

describe('overflow and mutual aid', () => {
  it('widens N1 to N2 AMU ARMs after the overflow tier delay, never to other roles', () => {
    const s = new TestSite(manual());
    s.login('arm-5', 'mru-1');
    s.call('c1');
    s.advance(44);
    expect(s.callState('c1')!.pending!.offer).toBeNull();
    const events = s.advance(1);
    expect(events.find((e) => e.type === 'CallTierReached')).toMatchObject({ tier: 1 });
    expect(s.callState('c1')!.pending!.offer!.agentId).toBe('arm-5');
  });

  it('redirects an MG call to the partner SAS after the configured wait', () => {
    const s = new TestSite();
    s.login('arm-1', 'mrg-1');
    s.ok({ type: 'agentPause', agentId: 'mrg-1', reason: 'visite' });
    s.call('f1', 'sdis', { queue: 'n2-mg' });
    const events = s.advance(900);
    const redirected = events.find((e) => e.type === 'CallRedirected');
    expect(redirected).toMatchObject({ partnerId: '85', reason: 'overflow-wait' });
    expect(events.find((e) => e.type === 'CallEnded')).toMatchObject({ callId: 'f1', outcome: 'redirected' });
  });

  it('redirects by queue length when configured', () => {
    const s = new TestSite(
      exampleConfig((c) => {
        (c.queues as any[])[0].overflow = { partner: { partnerId: '85', whenWaitingAtLeast: 2 } };
      }),
    );
    s.call('a');
    s.call('b');
    const r = s.call('c');
    expect(r.events.find((e) => e.type === 'CallRedirected')).toMatchObject({ reason: 'overflow-length' });
  });

  it('applies "nobody can serve" by sending the call to the configured queue, and raises an alarm when it waits unserved', () => {
    const s = new TestSite(
      exampleConfig((c) => {
        (c.queues as any[]).find((q) => q.id === 'reg-mg').whenUnstaffed = {
          action: 'queue',
          queueId: 'reg-amu',
        };
      }),
    );
    s.login('arm-1', 'osnp-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P2' });
    s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1', to: 'reg-mg' });
    expect(s.callState('c1')!.pending!.queueId).toBe('reg-amu');
    expect(s.state.data.alarms['queue-unstaffed:reg-amu']).toBeDefined();
    s.login('mru-1');
    expect(s.state.data.alarms['queue-unstaffed:reg-amu']).toBeUndefined();
  });

  it('switches a share of a line to a partner SAS (bascule) and back', () => {
    const s = new TestSite();
    s.login('arm-1', 'arm-2', 'arm-3');
    s.ok({ type: 'switchLine', line: '116117', partnerId: '85', share: 0.5 });
    const outcomes = ['a', 'b', 'c', 'd'].map((id) =>
      s.call(id, '116117').events.some((e) => e.type === 'CallRedirected'),
    );
    expect(outcomes).toEqual([false, true, false, true]);
    s.ok({ type: 'restoreLine', line: '116117' });
    expect(s.call('e', '116117').events.some((e) => e.type === 'CallRedirected')).toBe(false);
  });

  it('restores a line switched until a given time when that time comes', () => {
    const s = new TestSite();
    s.ok({ type: 'switchLine', line: '15', partnerId: '85', until: s.now + 60_000 });
    expect(s.call('a').events.some((e) => e.type === 'CallRedirected')).toBe(true);
    const events = s.advance(60);
    expect(events.map((e) => e.type)).toContain('LineRestored');
    expect(s.call('b').events.some((e) => e.type === 'CallRedirected')).toBe(false);
  });
});

describe('modes, periods and alarms', () => {
  it('follows the weekly mode schedule and records the mode in force on each call', () => {
    // One-level from 22:00 to 07:00 every day; the test starts Monday 21:59 Paris.
    const config = exampleConfig((c) => {
      c.modes = {
        default: 'two-level',
        rules: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '07:00', value: 'one-level' }],
      };
    });
    const s = new TestSite(config, Date.UTC(2026, 2, 2, 20, 59));
    expect(s.call('a').events[0]).toMatchObject({ mode: 'two-level', period: 'pdsa' });
    const events = s.advance(60);
    expect(events.find((e) => e.type === 'ModeChanged')).toMatchObject({
      mode: 'one-level',
      source: 'schedule',
    });
    expect(s.call('b').events[0]).toMatchObject({ mode: 'one-level' });
  });

  it('lets a supervisor override the mode until a given time', () => {
    const s = new TestSite();
    s.ok({ type: 'setMode', mode: 'one-level', until: s.now + 3_600_000 });
    expect(s.call('a').events[0]).toMatchObject({ mode: 'one-level' });
    const events = s.advance(3600);
    expect(events.find((e) => e.type === 'ModeChanged')).toMatchObject({
      mode: 'two-level',
      source: 'schedule',
    });
  });

  it('raises the minimum-presence alarms and clears them as staff log in', () => {
    const s = new TestSite();
    expect(Object.keys(s.state.data.alarms).sort()).toEqual([
      'presence:mrg',
      'presence:mru',
      'presence:n1',
      'presence:n2-amu-arm',
      'presence:osnp',
    ]);
    s.login('arm-1', 'arm-5', 'mru-1', 'osnp-1', 'mrg-1');
    expect(Object.keys(s.state.data.alarms)).toEqual([]);
  });

  it('needs a GP regulator only in SAS hours', () => {
    const s = new TestSite(exampleConfig(), Date.UTC(2026, 2, 2, 18, 59)); // Monday 19:59 Paris
    s.login('arm-1', 'mru-1');
    expect(s.state.data.alarms['presence:mrg']).toBeDefined();
    const events = s.advance(60);
    expect(events.find((e) => e.type === 'PeriodChanged')).toMatchObject({ period: 'pdsa' });
    expect(s.state.data.alarms['presence:mrg']).toBeUndefined();
  });

  it('raises the N1 wait alarm when a call waits past the threshold and clears it when answered', () => {
    const s = new TestSite();
    s.call('c1');
    s.advance(29);
    expect(s.state.data.alarms['queue-wait:n1']).toBeUndefined();
    s.advance(1);
    expect(s.state.data.alarms['queue-wait:n1']).toBeDefined();
    s.login('arm-1');
    expect(s.state.data.alarms['queue-wait:n1']).toBeUndefined();
  });

  it('moves an agent between levels within the role rules', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.call('f1', 'sdis');
    s.ok({ type: 'moveAgent', agentId: 'arm-1', skills: [{ queue: 'n2-amu', preference: 1 }] });
    expect(s.agent('arm-1').callId).toBe('f1');
    expect(
      s.try({ type: 'moveAgent', agentId: 'arm-1', skills: [{ queue: 'book-mg', preference: 1 }] }),
    ).toMatchObject({
      ok: false,
      reason: 'role-rule',
    });
  });
});
