// Live figures read at an instant: rolling QS windows, oldest wait per queue, calls waiting for a
// doctor by branch. Monday 2 March 2026, Paris (UTC+1); ARMs answer by hand, no wrap-up.
import { describe, expect, it } from 'vitest';
import { liveValues } from '../../../src/core/indicators/live.js';
import { TestSite, exampleConfig } from '../core/harness.js';
import { indicate } from './drive.js';

const manual = exampleConfig((c) => {
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

describe('live figures', () => {
  it('keep each rolling QS window to its own answers', () => {
    const s = new TestSite(manual, Date.UTC(2026, 2, 2, 8, 0)); // 09:00
    s.login('arm-1');
    s.call('a'); // answered after 10 s: within
    s.advance(10);
    s.ok({ type: 'answerOffer', callId: 'a', agentId: 'arm-1' });
    s.ok({ type: 'hangUp', callId: 'a', agentId: 'arm-1' });
    s.advance(20 * 60); // 09:20:10
    s.call('b'); // answered after 40 s: not within, at 09:20:50
    s.advance(40);
    s.ok({ type: 'answerOffer', callId: 'b', agentId: 'arm-1' });
    const v = liveValues(indicate(s.state.data.config, s.log), s.now);
    // Last 15 min (09:05:50, 09:20:50]: only b → 0/1; last hour and today: a and b → 1/2.
    expect(v['live.qs30Last15min']).toBe(0);
    expect(v['live.qs30LastHour']).toBe(0.5);
    expect(v['live.qs30Today']).toBe(0.5);
    // Two hours later nothing is left in the rolling windows; today still counts both.
    const later = liveValues(indicate(s.state.data.config, s.log), s.now + 2 * 3_600_000);
    expect([later['live.qs30Last15min'], later['live.qs30LastHour'], later['live.qs30Today']]).toEqual([
      null,
      null,
      0.5,
    ]);
  });

  it('shows the oldest wait per queue and the calls waiting for a doctor by branch', () => {
    const s = new TestSite(manual, Date.UTC(2026, 2, 2, 9, 0)); // 10:00
    s.login('arm-1', 'arm-2');
    s.call('p1');
    s.ok({ type: 'answerOffer', callId: 'p1', agentId: 'arm-1' });
    s.ok({ type: 'qualifyCall', callId: 'p1', agentId: 'arm-1', qualification: 'P0' });
    // The ARM keeps the P0 and brings in the emergency doctor: nobody of reg-amu is logged in.
    s.ok({ type: 'bringInDoctor', callId: 'p1', agentId: 'arm-1' });
    s.advance(30);
    s.call('q1'); // offered to arm-2, ringing
    s.advance(12);
    s.call('q2'); // waits alone in n1
    s.advance(3);
    const v = liveValues(indicate(s.state.data.config, s.log), s.now);
    expect(v['live.waiting']).toMatchObject({ n1: 2, 'reg-amu': 1 });
    // n1: q1 waited 15 s, q2 3 s → oldest 15 s; reg-amu: 45 s.
    expect(v['live.oldestWaitS']).toMatchObject({ n1: 15, 'reg-amu': 45, 'n2-amu': null });
    expect(v['live.waitingForDoctor']).toEqual({ amu: 1 });
    expect(v['live.p0InProgress']).toBe(1);
    expect(v['live.agents']).toMatchObject({ 'arm:on-call': 1, 'arm:offered': 1 });
  });
});
