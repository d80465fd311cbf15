// The one agent script the live bots and the twin share: what an agent sends at the end of each step.
import { describe, expect, it } from 'vitest';
import { afterPartyLeft, afterTalk, siteTargets } from '../../../simulator/agent-script/agent-script.js';
import { DEFAULT_SCRIPT } from '../../../simulator/load/script-book.js';
import type { TraceCall } from '../../../simulator/traffic/trace.js';
import { exampleConfig } from '../core/harness.js';

const row = (patch: Partial<TraceCall>): TraceCall => ({ ...DEFAULT_SCRIPT, ...patch });
const call = { id: 'c1', mode: 'two-level' as const };
const types = (t: { commands: { type: string }[] }) => t.commands.map((c) => c.type);

describe('agent script', () => {
  const targets = siteTargets(exampleConfig());

  it('at N1 qualifies, then transfers a P1 or P2, ends a DR, keeps a P0 and brings the doctor in', () => {
    expect(types(afterTalk(targets, call, row({ qualification: 'P1' }), 'n1', 'arm-1'))).toEqual([
      'qualifyCall',
      'transferCall',
    ]);
    expect(types(afterTalk(targets, call, row({ qualification: 'DR' }), 'n1', 'arm-1'))).toEqual([
      'qualifyCall',
      'hangUp',
    ]);
    expect(
      types(afterTalk(targets, call, row({ qualification: 'P0', regulationTalkS: 60 }), 'n1', 'arm-1')),
    ).toEqual(['qualifyCall', 'bringInDoctor']);
  });

  it('leaves the doctor to the engine when the site brings it in at once', () => {
    const atOnce = siteTargets(
      exampleConfig((c) => ((c.routing as Record<string, unknown>).p0Doctor = 'at-once')),
    );
    expect(
      types(afterTalk(atOnce, call, row({ qualification: 'P0', regulationTalkS: 60 }), 'n1', 'arm-1')),
    ).toEqual(['qualifyCall']);
  });

  it('in one-level mode keeps the call and plays the N2 part after its talk time', () => {
    const turn = afterTalk(
      targets,
      { id: 'c1', mode: 'one-level' },
      row({ qualification: 'P1', n2TalkS: 90 }),
      'n1',
      'arm-1',
    );
    expect(types(turn)).toEqual(['qualifyCall']);
    expect(turn.then).toEqual({ step: 'kept', afterSeconds: 90 });
  });

  it("takes the doctor and booking queues from the site's configuration", () => {
    const renamed = siteTargets(
      exampleConfig((c) => {
        for (const q of c.queues as { id: string }[]) if (q.id === 'reg-mg') q.id = 'regulation-generaliste';
        for (const a of c.agents as { skills: { queue: string }[] }[])
          for (const s of a.skills) if (s.queue === 'reg-mg') s.queue = 'regulation-generaliste';
      }),
    );
    const turn = afterTalk(renamed, call, row({ qualification: 'P2', regulationTalkS: 60 }), 'n2', 'osnp-1');
    expect(turn.commands).toEqual([
      { type: 'transferCall', callId: 'c1', agentId: 'osnp-1', to: 'regulation-generaliste' },
    ]);
  });

  it('the ARM who kept a P0 ends it once the doctor has left, and only then', () => {
    const p0 = { id: 'c1', qualification: 'P0' as const, pending: null };
    const arm = { agentId: 'arm-1' } as never;
    const doctor = { agentId: 'mru-1' } as never;
    expect(afterPartyLeft(targets, { ...p0, parties: [arm, doctor] }, 'arm-1')).toEqual([]);
    expect(afterPartyLeft(targets, { ...p0, parties: [arm] }, 'arm-1')).toEqual([
      { type: 'hangUp', callId: 'c1', agentId: 'arm-1', disposition: 'envoi-moyens' },
    ]);
    expect(afterPartyLeft(targets, { ...p0, qualification: 'P1' as const, parties: [arm] }, 'arm-1')).toEqual(
      [],
    );
  });
});
