// The engine's side of a caller who hangs up while an agent is being connected: whatever order the
// phone events reach it in (the agent's answer, the caller's hang-up, a failed offer, a lost leg),
// the call ends exactly once, as an abandon when no answer was decided before the hang-up, and
// every agent leg rung for it is released (src/telephony/ari/caller-gone.ts is the adapter's side).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import type { Effect } from '../../../src/core/effects.js';
import type { Event } from '../../../src/core/events.js';
import { TestSite, exampleConfig } from './harness.js';

const PHONE_EVENTS: Command[] = [
  { type: 'answerOffer', callId: 'c1', agentId: 'arm-5' },
  { type: 'offerFailed', callId: 'c1', agentId: 'arm-5', reason: 'no-answer' },
  { type: 'agentLegLost', callId: 'c1', agentId: 'arm-5' },
];

describe('a caller hang-up among the phone events of a connect, in any order', () => {
  it('ends the call once, an abandon unless answered first, and releases every leg rung', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(PHONE_EVENTS), fc.integer({ min: 0, max: 3 }), (picked, at) => {
        // arm-5 answers by hand (the example site), no wrap-up: free again at once.
        const s = new TestSite(
          exampleConfig((c) => {
            for (const a of c.agents as { id: string; wrapUpSeconds?: number }[]) a.wrapUpSeconds = 0;
          }),
        );
        s.login('arm-5');
        const effects: Effect[] = [...s.call('c1').effects];
        const events: Event[] = [];
        const order = [...picked];
        order.splice(Math.min(at, order.length), 0, { type: 'callerHungUp', callId: 'c1' });
        let answeredBeforeHangUp = false;
        for (const cmd of order) {
          const r = s.try(cmd);
          if (!r.ok) continue;
          effects.push(...r.effects);
          events.push(...r.events);
          if (cmd.type === 'answerOffer' && !events.some((e) => e.type === 'CallEnded'))
            answeredBeforeHangUp = true;
        }
        const ended = events.filter((e) => e.type === 'CallEnded');
        expect(ended).toHaveLength(1);
        const end = ended[0] as Extract<Event, { type: 'CallEnded' }>;
        expect(end.by).toBe('caller');
        expect(end.answered).toBe(answeredBeforeHangUp);
        expect(end.outcome === 'abandoned').toBe(!answeredBeforeHangUp);
        // Every ring is released (cancelRing, or releaseAgent once answered); the caller is the
        // PBX's to end (no hangUp asked of it).
        const legs = (t: Effect['type']) =>
          effects.filter((f) => f.type === t && f.callId === 'c1' && 'agentId' in f).length;
        expect(legs('cancelRing') + legs('releaseAgent')).toBe(legs('ringAgent'));
        expect(effects.some((f) => f.type === 'hangUp')).toBe(false);
        expect(s.state.data.calls.c1).toBeUndefined();
        expect(['on-call', 'offered']).not.toContain(s.state.data.agents['arm-5']!.status);
      }),
      { numRuns: 200 },
    );
  });
});
