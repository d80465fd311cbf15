// Hand-computed triage figures through the real engine: a P0 kept at N1 reported apart from the N1
// orientation, an MG→AMU reorientation whose caller is then lost, the MG path to a medical
// advice, and an outbound callback that is never an answered call. Monday 2 March 2026, Paris.
import { describe, expect, it } from 'vitest';
import { TestSite } from '../core/harness.js';
import { liveValues } from '../../../src/core/indicators/live.js';
import { indicate, valuesOf } from './drive.js';

describe('a morning of triage', () => {
  const s = new TestSite(); // Monday 10:00 Paris, SAS hours
  s.login('arm-1', 'arm-2', 'arm-5', 'osnp-1', 'mrg-1', 'mru-1');
  // c1: P0 kept by arm-1 (auto-answer at 10:00:00), decision after 8 s, ended 52 s later.
  s.call('c1');
  s.advance(8);
  s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
  const p0Live = liveValues(indicate(s.state.data.config, s.log), s.now)['live.p0InProgress'];
  s.advance(52);
  s.ok({ type: 'hangUp', callId: 'c1', agentId: 'arm-1' });
  // c2 at 10:01:00 to arm-2: P2 after 40 s (orientation 40 s, over the 30 s target).
  s.call('c2');
  s.advance(40);
  s.ok({ type: 'qualifyCall', callId: 'c2', agentId: 'arm-2', qualification: 'P2' });
  s.ok({ type: 'transferCall', callId: 'c2', agentId: 'arm-2' }); // → n2-mg, rings osnp-1
  s.advance(3);
  s.ok({ type: 'answerOffer', callId: 'c2', agentId: 'osnp-1' });
  s.advance(30);
  // The OSNP hears an emergency: MG → AMU reorientation; the caller hangs up while arm-5 rings.
  s.ok({ type: 'transferCall', callId: 'c2', agentId: 'osnp-1', to: 'n2-amu' });
  s.advance(2);
  s.ok({ type: 'callerHungUp', callId: 'c2' });
  // c3 at 10:02:15 to arm-1 (its 5 s wrap-up is over): P2 after 10 s, OSNP, then the GP regulator.
  s.call('c3');
  s.advance(10);
  s.ok({ type: 'qualifyCall', callId: 'c3', agentId: 'arm-1', qualification: 'P2' });
  s.ok({ type: 'transferCall', callId: 'c3', agentId: 'arm-1' });
  s.ok({ type: 'answerOffer', callId: 'c3', agentId: 'osnp-1' });
  s.advance(20);
  s.ok({ type: 'transferCall', callId: 'c3', agentId: 'osnp-1', to: 'reg-mg' });
  s.ok({ type: 'answerOffer', callId: 'c3', agentId: 'mrg-1' });
  s.advance(180);
  s.ok({ type: 'hangUp', callId: 'c3', agentId: 'mrg-1', disposition: 'conseil-medical' });
  // The GP regulator calls a patient back: outbound, never an answered call.
  s.ok({ type: 'dialOut', callId: 'o1', agentId: 'mrg-1', number: '0600000001', purpose: 'callback' });
  s.advance(60);
  s.ok({ type: 'hangUp', callId: 'o1', agentId: 'mrg-1' });
  const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').sas;

  it('counts the three inbound calls, never the outbound one', () => {
    expect(v).toMatchObject({ 'calls.arrived': 3, 'calls.answered': 3, 'calls.answeredWithin30s': 3 });
    expect(v['outbound']).toEqual({ callback: 1 });
    expect(v['talk.meanS']).toMatchObject({ outbound: 60 });
  });

  it('reports the P0 kept at N1 apart from the N1 orientation mean', () => {
    expect(p0Live).toBe(1);
    expect(v['n1.kept']).toEqual({ P0: 1 });
    expect(v['n1.keptDecisionMeanS']).toEqual({ P0: 8 });
    // Orientations: c2 40 s (over 30 s), c3 10 s (under): mean (40 + 10) / 2 = 25 s, share 1/2.
    expect(v['n1.oriented']).toBe(2);
    expect(v['n1.orientationMeanS']).toBe(25);
    expect(v['n1.orientationWithin30sShare']).toBe(0.5);
    expect(v['n1.byArm.orientationMeanS']).toEqual({ 'arm-1': 10, 'arm-2': 40 });
    // The kept call's 60 s are under arm-kept, not under the N1 ARM's talk (c2 40 s, c3 10 s).
    expect(v['talk.meanS']).toMatchObject({ 'arm-kept': 60, 'n1-arm': 25 });
  });

  it('counts the reorientation, the caller lost after triage and the files after reorientations', () => {
    expect(v['reorientations.mgToAmu']).toBe(1);
    expect(v['lostAfterTriage.total']).toBe(1);
    expect(v['lostAfterTriage.byStep']).toEqual({ 'n2:amu:P2': 1 });
    // Abandoned after an answer: not an abandon of the per-call count.
    expect(v['calls.abandoned']).toBe(0);
    expect(v['queue.abandoned']).toMatchObject({ 'n2-amu': 1 });
    // DRM: c1 P0 (AMU), c2 P2 reoriented to AMU, c3 P2 (MG) → 3, AMU 2, MG 1.
    expect(v).toMatchObject({ 'files.drmOpenedAtN1': 3, 'files.drmAmu': 2, 'files.drmMg': 1 });
    expect(v['dispositions']).toEqual({ 'mg:conseil-medical': 1 });
    // OSNP: c2 30 s and c3 20 s → 25 s; GP regulator 180 s.
    expect(v['talk.meanS']).toMatchObject({ osnp: 25, mrg: 180 });
  });
});
