// The LRM link (P63, no double typing): a call is linked to the regulation software's file id by
// either side; the last valid link wins, recorded with its source; a qualification keeps it.
import { describe, expect, it } from 'vitest';
import { TestSite } from './harness.js';

describe('file link', () => {
  it('links a call to the LRM file; the qualification keeps that id as the DRM id and records its source', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.call('c1');
    const r = s.ok({ type: 'linkFile', callId: 'c1', fileId: 'LRM-2026-0042', source: 'lrm' });
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'FileLinked',
        fileId: 'LRM-2026-0042',
        previousFileId: null,
        source: 'lrm',
        agentId: null,
      }),
    ]);
    expect(s.callState('c1')!.drm).toMatchObject({ id: 'LRM-2026-0042' });
    const q = s.ok({
      type: 'qualifyCall',
      callId: 'c1',
      agentId: 'arm-1',
      qualification: 'P1',
      name: 'Jeanne Dupont',
      source: 'lrm',
    });
    expect(q.events[0]).toMatchObject({ type: 'CallQualified', drmId: 'LRM-2026-0042', source: 'lrm' });
    expect(s.callState('c1')!.drm).toMatchObject({ id: 'LRM-2026-0042', name: 'Jeanne Dupont' });
  });

  it('the last valid link wins and names the one it replaced; the same link again changes nothing', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.call('c1');
    s.ok({ type: 'linkFile', callId: 'c1', fileId: 'A-1', source: 'panel', agentId: 'arm-1' });
    const again = s.ok({ type: 'linkFile', callId: 'c1', fileId: 'A-1', source: 'lrm' });
    expect(again.events).toEqual([]);
    const r = s.ok({ type: 'linkFile', callId: 'c1', fileId: 'B-2', source: 'lrm' });
    expect(r.events[0]).toMatchObject({ fileId: 'B-2', previousFileId: 'A-1', source: 'lrm' });
    expect(s.callState('c1')!.drm!.id).toBe('B-2');
  });

  it('refuses a bad file id, an unknown call, an agent not on the call, changing nothing', () => {
    const s = new TestSite();
    s.login('arm-1', 'arm-2');
    s.call('c1');
    const before = JSON.stringify(s.state.data);
    expect(s.try({ type: 'linkFile', callId: 'c1', fileId: ' bad id', source: 'lrm' })).toMatchObject({
      ok: false,
      reason: 'bad-file-id',
    });
    expect(s.try({ type: 'linkFile', callId: 'c1', fileId: 'x'.repeat(101), source: 'lrm' })).toMatchObject({
      reason: 'bad-file-id',
    });
    expect(s.try({ type: 'linkFile', callId: 'nope', fileId: 'A', source: 'lrm' })).toMatchObject({
      reason: 'unknown-call',
    });
    expect(
      s.try({ type: 'linkFile', callId: 'c1', fileId: 'A', source: 'panel', agentId: 'arm-2' }),
    ).toMatchObject({ reason: 'agent-not-on-call' });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });
});
