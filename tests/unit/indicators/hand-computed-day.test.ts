// A day computed by hand, driven through the real engine: every expected figure below comes with
// its arithmetic. Times are Paris local; in March 2026 Paris is UTC+1, from 29 March UTC+2.
import { describe, expect, it } from 'vitest';
import { TestSite, exampleConfig } from '../core/harness.js';
import { liveValues } from '../../../src/core/indicators/live.js';
import { indicate, valuesOf } from './drive.js';

/** Paris local time in March 2026 (UTC+1) as epoch ms. */
const parisMarch = (day: number, h: number, m: number, s = 0, ms = 0) =>
  Date.UTC(2026, 2, day, h - 1, m, s, ms);

// N1 ARMs answer by hand here, never time out and have no wrap-up, so every wait is set by the test.
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

describe('a call through N1, N2 AMU and the emergency doctor', () => {
  const s = new TestSite(exampleConfig(), parisMarch(2, 10, 0)); // Monday 10:00, SAS hours
  s.login('arm-1', 'arm-5', 'mru-1');
  s.call('c1'); // 10:00:00, arm-1 (auto-answer) answers at once: waits 0 s in n1, 0 s since arrival
  s.advance(20);
  s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1' });
  s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' }); // 10:00:20: N1 orientation 20 s
  s.advance(10);
  s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'arm-5' }); // 10:00:30: 10 s in n2-amu
  s.advance(60);
  s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-5' }); // 10:01:30: N2 talk 60 s
  s.advance(5);
  s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'mru-1' }); // 10:01:35: 5 s in reg-amu
  s.advance(120);
  s.ok({ type: 'hangUp', callId: 'c1', agentId: 'mru-1', disposition: 'envoi-moyens' }); // doctor 120 s
  s.advance(10); // arm-1's 5 s wrap-up ends at 10:00:25 (and arm-5's at 10:01:35)
  const acc = indicate(s.state.data.config, s.log);
  const v = valuesOf(acc, 'day', '2026-03-02');

  it('counts the call once in "answered by the SAS", although three agents answered it', () => {
    // 3 CallConnected events, one with firstAnswer: 1 arrived, 1 answered, 1 within 30 s (0 s).
    expect(s.events('CallConnected')).toHaveLength(3);
    expect(v.sas).toMatchObject({
      'calls.arrived': 1,
      'calls.answered': 1,
      'calls.answeredWithin30s': 1,
      'calls.qs30': 1,
      'calls.answerRate': 1,
      'calls.meanAnswerWaitS': 0,
      'calls.abandoned': 0,
    });
    expect(v.pdsa['calls.arrived']).toBe(0);
    expect(v.all['calls.answered']).toBe(1);
  });

  it('counts each queue step once, with its own wait and threshold', () => {
    // n1: 0 s < 30 s; n2-amu: 10 s < 60 s; reg-amu: 5 s < 120 s.
    expect(v.sas['queue.offered']).toEqual({ n1: 1, 'n2-amu': 1, 'reg-amu': 1 });
    expect(v.sas['queue.answered']).toEqual({ n1: 1, 'n2-amu': 1, 'reg-amu': 1 });
    expect(v.sas['queue.answeredWithinThreshold']).toEqual({ n1: 1, 'n2-amu': 1, 'reg-amu': 1 });
    expect(v.sas['queue.waitMeanS']).toEqual({ n1: 0, 'n2-amu': 10, 'reg-amu': 5 });
    expect(v.sas['queue.waitMaxS']).toEqual({ n1: 0, 'n2-amu': 10, 'reg-amu': 5 });
  });

  it('measures the N1 orientation, the talk time by role and the file', () => {
    // N1: answered 10:00:00, transferred 10:00:20 → 20 s, under 30 s.
    expect(v.sas['n1.oriented']).toBe(1);
    expect(v.sas['n1.orientationMeanS']).toBe(20);
    expect(v.sas['n1.orientationWithin30sShare']).toBe(1);
    expect(v.sas['n1.byArm.orientationMeanS']).toEqual({ 'arm-1': 20 });
    // Talk: N1 ARM 20 s, N2 AMU ARM 10:00:30→10:01:30 = 60 s, MRU 10:01:35→10:03:35 = 120 s.
    expect(v.sas['talk.meanS']).toEqual({ 'n1-arm': 20, 'n2-amu-arm': 60, mru: 120 });
    // Wrap-up apart: arm-1 5 s after the N1 step; arm-5 and mru-1 have none.
    expect(v.sas['wrapUp.meanS']).toEqual({ 'n1-arm': 5 });
    // P1 → AMU file; the disposition goes to the AMU branch.
    expect(v.sas).toMatchObject({ 'files.drmOpenedAtN1': 1, 'files.drmAmu': 1, 'files.drmMg': 0 });
    expect(v.sas['dispositions']).toEqual({ 'amu:envoi-moyens': 1 });
  });
});

describe('the 30 s boundary and short abandons', () => {
  const s = new TestSite(manualConfig, parisMarch(2, 11, 0)); // Monday 11:00, SAS hours
  s.login('arm-1');
  s.call('c2'); // 11:00:00, offered to arm-1
  s.advance(29.999);
  s.ok({ type: 'answerOffer', callId: 'c2', agentId: 'arm-1' }); // 29.999 s: within
  s.ok({ type: 'hangUp', callId: 'c2', agentId: 'arm-1' }); // no qualification: no file
  s.call('c3'); // 11:00:29.999, offered to arm-1 at once
  s.advance(30);
  s.ok({ type: 'answerOffer', callId: 'c3', agentId: 'arm-1' }); // 30.000 s: not within
  // arm-1 is busy with c3: the next calls wait alone in n1.
  s.call('c4');
  s.advance(4.999);
  s.ok({ type: 'callerHungUp', callId: 'c4' }); // 4.999 s: a short abandon
  s.call('c5');
  s.advance(5);
  s.ok({ type: 'callerHungUp', callId: 'c5' }); // 5.000 s: an abandon, not short
  const live = liveValues(indicate(s.state.data.config, s.log), s.now);
  const v = valuesOf(indicate(s.state.data.config, s.log), 'hour', '2026-03-02T11+01:00');

  it('counts 29.999 s as answered within 30 s and 30.000 s as not', () => {
    // answered 2 (c2, c3), within 1 (c2) → QS 30 s = 1/2; arrived 4 → answer rate 2/4.
    expect(v.sas).toMatchObject({
      'calls.arrived': 4,
      'calls.answered': 2,
      'calls.answeredWithin30s': 1,
      'calls.qs30': 0.5,
      'calls.answerRate': 0.5,
    });
    // Mean wait (29.999 + 30.000) / 2 = 29.9995 s.
    expect(v.sas['calls.meanAnswerWaitS']).toBeCloseTo(29.9995, 9);
    // n1 threshold is 30 s too: 1 of 2 answers within.
    expect(v.sas['queue.answeredWithinThreshold']).toEqual({ n1: 1 });
    expect(v.sas['queue.waitP50S']).toEqual({ n1: 29.999 });
    expect(v.sas['queue.waitP90S']).toEqual({ n1: 30 });
  });

  it('reports abandons apart from the QS, short ones (< 5 s) apart again', () => {
    // c4 gave up after 4.999 s (short), c5 after 5.000 s: 2 abandoned, 1 short; mean 4.9995 s.
    expect(v.sas).toMatchObject({ 'calls.abandoned': 2, 'calls.shortAbandoned': 1 });
    expect(v.sas['queue.abandoned']).toEqual({ n1: 2 });
    expect(v.sas['queue.abandonWaitMeanS']).toEqual({ n1: 4.9995 });
    expect(v.sas['files.noFile']).toBe(1); // c2 ended at N1 without a qualification
  });

  it('shows the rolling QS and the agents live', () => {
    // First answers at 11:00:29.999 (within) and 11:00:59.999 (not): 1/2 over every window.
    expect(live['live.qs30Last15min']).toBe(0.5);
    expect(live['live.qs30Today']).toBe(0.5);
    // 6 ARMs configured (arm-1 … arm-6): arm-1 on c3, 5 logged out.
    expect(live['live.agents']).toMatchObject({ 'arm:on-call': 1, 'arm:logged-out': 5 });
    expect(live['live.waiting']).toMatchObject({ n1: 0 });
  });
});

describe('SAS hours and PDSA hours by the arrival time', () => {
  function arrivals(times: number[]) {
    const s = new TestSite(exampleConfig(), times[0]! - 60_000);
    times.forEach((t, i) => {
      s.advance((t - s.now) / 1000);
      s.call(`k${i}`);
    });
    return indicate(s.state.data.config, s.log);
  }

  it('puts a weekday 19:59:59 arrival in SAS hours and 20:00:00 in PDSA hours', () => {
    const acc = arrivals([parisMarch(2, 19, 59, 59), parisMarch(2, 20, 0, 0)]);
    const day = valuesOf(acc, 'day', '2026-03-02');
    expect([day.sas['calls.arrived'], day.pdsa['calls.arrived'], day.all['calls.arrived']]).toEqual([
      1, 1, 2,
    ]);
    // And in two 15-minute intervals: 19:45–20:00 and 20:00–20:15.
    expect(valuesOf(acc, 'interval', '2026-03-02T19:45+01:00').sas['calls.arrived']).toBe(1);
    expect(valuesOf(acc, 'interval', '2026-03-02T20:00+01:00').pdsa['calls.arrived']).toBe(1);
  });

  it('puts Saturday 11:59 in SAS hours and 12:00 in PDSA hours', () => {
    const acc = arrivals([parisMarch(7, 11, 59), parisMarch(7, 12, 0)]);
    const day = valuesOf(acc, 'day', '2026-03-07');
    expect([day.sas['calls.arrived'], day.pdsa['calls.arrived']]).toEqual([1, 1]);
  });

  it('puts Easter Monday and 14 July, working-day mornings otherwise, in PDSA hours', () => {
    // Easter Sunday 2026 is 5 April: Easter Monday 6 April, 10:00 Paris (UTC+2) = 08:00 UTC.
    const easter = arrivals([Date.UTC(2026, 3, 6, 8, 0)]);
    expect(valuesOf(easter, 'day', '2026-04-06').pdsa['calls.arrived']).toBe(1);
    expect(valuesOf(easter, 'day', '2026-04-06').sas['calls.arrived']).toBe(0);
    // Tuesday 14 July 2026, 10:00 Paris (UTC+2).
    const july = arrivals([Date.UTC(2026, 6, 14, 8, 0)]);
    expect(valuesOf(july, 'month', '2026-07').pdsa['calls.arrived']).toBe(1);
    // The day after, Wednesday 15 July 10:00, is a working day: SAS hours.
    const after = arrivals([Date.UTC(2026, 6, 15, 8, 0)]);
    expect(valuesOf(after, 'quarter', '2026-Q3').sas['calls.arrived']).toBe(1);
  });
});
