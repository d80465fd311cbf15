// Alarm acknowledgement is the room's, not one console's: an event names who and when; the alarm
// stays until its cause clears; a second acknowledgement, an unknown alarm or no name is refused
// and changes nothing; a re-raised alarm is a new one, not acknowledged.
import { describe, expect, it } from 'vitest';
import { evolve } from '../../../src/core/evolve.js';
import { initialState } from '../../../src/core/state.js';
import { exampleConfig, TestSite } from './harness.js';

describe('alarm acknowledgement', () => {
  it('records who acknowledged and when, keeps the alarm, and refuses a second one', () => {
    const s = new TestSite();
    s.login('arm-1');
    expect(s.state.data.alarms['presence:mru']).toBeDefined();
    s.now += 5000;
    const r = s.ok({ type: 'acknowledgeAlarm', alarmId: 'presence:mru', by: 'sup-1' });
    expect(r.events).toEqual([
      { type: 'AlarmAcknowledged', at: s.now, alarmId: 'presence:mru', by: 'sup-1' },
    ]);
    expect(r.effects).toEqual([]);
    expect(s.state.data.alarms['presence:mru']!.acknowledged).toEqual({ by: 'sup-1', at: s.now });

    const before = JSON.stringify(s.state.data);
    const again = s.try({ type: 'acknowledgeAlarm', alarmId: 'presence:mru', by: 'sup-2' });
    expect(again).toMatchObject({ ok: false, reason: 'alarm-already-acknowledged' });
    expect(again.ok || again.message).toContain('sup-1');
    expect(s.try({ type: 'acknowledgeAlarm', alarmId: 'nope', by: 'sup-1' })).toMatchObject({
      reason: 'unknown-alarm',
    });
    for (const by of ['', '  ', 'x'.repeat(201), 42 as unknown as string])
      expect(s.try({ type: 'acknowledgeAlarm', alarmId: 'presence:n2-amu-arm', by })).toMatchObject({
        reason: 'bad-command',
      });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });

  it("records the person's name for the consoles, and refuses a blank or overlong one", () => {
    const s = new TestSite();
    s.login('arm-1');
    for (const byName of ['', ' ', 'x'.repeat(201), 7 as unknown as string])
      expect(s.try({ type: 'acknowledgeAlarm', alarmId: 'presence:mru', by: 'sup-1', byName })).toMatchObject(
        { reason: 'bad-command' },
      );
    expect(s.state.data.alarms['presence:mru']!.acknowledged).toBeUndefined();
    s.ok({ type: 'acknowledgeAlarm', alarmId: 'presence:mru', by: 'sup-1', byName: 'Claire Morel' });
    expect(s.state.data.alarms['presence:mru']!.acknowledged).toEqual({
      by: 'sup-1',
      at: s.now,
      byName: 'Claire Morel',
    });
    const replayed = initialState(exampleConfig());
    for (const e of s.log) evolve(replayed, e);
    expect(replayed.data.alarms).toEqual(s.state.data.alarms);
  });

  it('a cleared then re-raised alarm is a new one, not acknowledged', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.ok({ type: 'acknowledgeAlarm', alarmId: 'presence:mru', by: 'sup-1' });
    s.login('mru-1');
    expect(s.state.data.alarms['presence:mru']).toBeUndefined();
    s.ok({ type: 'agentLogout', agentId: 'mru-1' });
    expect(s.state.data.alarms['presence:mru']).toBeDefined();
    expect(s.state.data.alarms['presence:mru']!.acknowledged).toBeUndefined();
  });

  it('replaying the events gives the same acknowledged state', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.ok({ type: 'acknowledgeAlarm', alarmId: 'presence:mru', by: 'sup-1' });
    const replayed = initialState(exampleConfig());
    for (const e of s.log) evolve(replayed, e);
    expect(replayed.data.alarms).toEqual(s.state.data.alarms);
  });
});
