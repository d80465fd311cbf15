// The console's copy of the room follows the client contract of docs/api.md: deltas at or below
// the snapshot's seq are ignored, the others merge (agents by field, calls and alarms by id).
import { describe, expect, it } from 'vitest';
import { applyDelta, fromSnapshot } from '../../../web/src/console/room.js';
import type { SiteDelta, SiteSnapshot } from '../../../web/src/types.js';

const agent = {
  id: 'arm-1',
  name: 'ARM 1',
  roles: ['arm' as const],
  status: 'available' as const,
  since: 1,
  pauseReason: null,
  callId: null,
  wrapUntil: null,
  skills: [{ queue: 'n1', preference: 1 }],
  autoAnswer: false,
};
const call = {
  id: 'c1',
  direction: 'inbound' as const,
  line: '15',
  department: '44',
  originSite: '44',
  arrivedAt: 1,
  priority: 1,
  qualification: null,
  firstAnsweredAt: null,
  parties: [],
  waiting: null,
  lastQueueId: 'n1',
};
const snapshot: SiteSnapshot = {
  siteId: '44',
  seq: 10,
  serverTime: 100,
  mode: 'two-level',
  period: 'sas',
  qs30: { last15min: null, lastHour: null, today: null },
  queues: [],
  agents: [agent],
  calls: [call],
  alarms: [
    {
      id: 'presence:mru',
      kind: 'presence',
      raisedAt: 1,
      message: 'x',
      acknowledgedBy: null,
      acknowledgedByName: null,
      acknowledgedAt: null,
    },
  ],
  lineSwitches: [],
};
const delta = (seq: number, over: Partial<SiteDelta> = {}): SiteDelta => ({
  siteId: '44',
  seq,
  serverTime: 200,
  changedSince: 150,
  mode: 'two-level',
  period: 'sas',
  qs30: { last15min: 1, lastHour: 1, today: 1 },
  queues: [],
  agents: [],
  calls: [],
  removedCalls: [],
  alarms: [],
  clearedAlarms: [],
  lineSwitches: [],
  ...over,
});

describe('the console room', () => {
  it('ignores a delta already in the snapshot, and one of another site', () => {
    const room = fromSnapshot(snapshot);
    expect(applyDelta(room, delta(10, { removedCalls: ['c1'] }))).toBe(room);
    expect(applyDelta(room, { ...delta(11), siteId: '85' })).toBe(room);
  });

  it('merges agents by field, replaces and removes calls and alarms', () => {
    const room = applyDelta(
      fromSnapshot(snapshot),
      delta(11, {
        agents: [{ ...agent, status: 'on-call', callId: 'c2', since: 5 }],
        calls: [{ ...call, id: 'c2' }],
        removedCalls: ['c1'],
        clearedAlarms: ['presence:mru'],
      }),
    );
    expect(room.seq).toBe(11);
    expect(room.agents.get('arm-1')).toMatchObject({ name: 'ARM 1', status: 'on-call', callId: 'c2' });
    expect([...room.calls.keys()]).toEqual(['c2']);
    expect(room.alarms.size).toBe(0);
    expect(room.qs30.today).toBe(1);
  });

  it('merges a known call from its changed fields, keeps the QS when none is sent, ignores a patch of an unknown call', () => {
    const listened = {
      ...call,
      listeners: [{ supervisorId: 'sup-1', agentId: 'arm-1', mode: 'listen' as const, since: 2 }],
    };
    const base = fromSnapshot({ ...snapshot, calls: [listened] });
    const patched = applyDelta(
      base,
      delta(11, {
        qs30: undefined,
        calls: [
          { id: 'c1', qualification: 'P1', listeners: [] },
          { id: 'zz', priority: 3 },
        ],
      }),
    );
    expect(patched.calls.get('c1')).toEqual({ ...call, qualification: 'P1' });
    expect(patched.calls.has('zz')).toBe(false);
    expect(patched.qs30).toBe(base.qs30);
  });

  it('a patch built by the feed, merged, gives the call as it is now', async () => {
    const { callPatch } = await import('../../../src/realtime/call-patch.js');
    const now = {
      ...call,
      parties: [{ agentId: 'arm-1', role: 'arm' as const, queueId: 'n1', since: 3, kept: false }],
      firstAnsweredAt: 3,
    };
    const patch = callPatch(call, now);
    expect(Object.keys(patch).sort()).toEqual(['firstAnsweredAt', 'id', 'parties']);
    expect(callPatch(undefined, now)).toBe(now);
    const room = applyDelta(fromSnapshot(snapshot), delta(11, { calls: [patch] }));
    expect(room.calls.get('c1')).toEqual(now);
  });
});
