// Calls, agents, callback tasks and alarms live in plain records keyed by id: an id that names an
// Object.prototype member must be refused as unknown, never found (CI's API fuzz met "constructor"
// as an agent id: 500). src/core/prototype-ids.ts.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { execute } from '../../../src/core/engine.js';
import { TestSite } from './harness.js';

const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('ids that name Object.prototype members', () => {
  it('are refused as unknown agents, calls, callback tasks and alarms, and change nothing', () => {
    const site = new TestSite();
    site.ok({ type: 'agentLogin', agentId: 'arm-1' });
    for (const id of names) {
      const commands: Command[] = [
        { type: 'agentLogin', agentId: id },
        { type: 'agentLogout', agentId: id, by: 'supervisor' },
        { type: 'agentPause', agentId: id, reason: 'x' },
        { type: 'agentReady', agentId: id },
        { type: 'hangUp', callId: id, agentId: 'arm-1' },
        { type: 'answerOffer', callId: id, agentId: 'arm-1' },
        { type: 'callerHungUp', callId: id },
        { type: 'claimCallback', taskId: id, agentId: 'arm-1' },
        { type: 'completeCallback', taskId: id, agentId: 'arm-1', outcome: 'reached' },
        { type: 'acknowledgeAlarm', alarmId: id, by: 'sup-1' },
        { type: 'startListening', callId: 'c-1', supervisorId: id, mode: 'listen' },
        { type: 'dialOut', callId: 'out-1', agentId: 'arm-1', number: '0612345678', parentCallId: id },
        { type: 'dialOut', callId: 'out-2', agentId: 'arm-1', number: '0612345678', taskId: id },
      ] as Command[];
      for (const cmd of commands) {
        const before = JSON.stringify(site.state.data);
        const r = execute(site.state, cmd, site.now);
        expect(r.ok, `${cmd.type} ${id}`).toBe(false);
        if (!r.ok) expect(r.reason, `${cmd.type} ${id}`).toMatch(/^unknown-(agent|call|task|alarm)$/);
        expect(JSON.stringify(site.state.data), `${cmd.type} ${id} changed state`).toBe(before);
      }
    }
  });
});
