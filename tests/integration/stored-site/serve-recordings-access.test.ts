// Recordings a supervisor or the quality role can find and hear (docs/recording.md), through `sas-acd serve` against
// sim-pbx writing its recordings to a directory and a real redis-server: each call's recording
// indexed and listed per call, supervisors only; the audio read from the PBX through ARI; every
// listen in the audit log before any byte is sent; `recording.available` on the /lrm feed; the
// retention job purging expired files and entries except a call under legal hold.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRef } from '../../../src/lrm/call-ref.js';
import type { LrmEvent } from '../../../src/lrm/lrm-events.js';
import { startRecordingRoom, type RecordingRoom } from '../fixtures/recording-room.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { stopAll, waitFor } from './fixtures/site.js';

const DAY = 24 * 3600_000;
let room: RecordingRoom;

type Listed = { recordings: { name: string; callId: string; callRef: string; held: boolean }[] };
type Audit = {
  audit: { action: string; user: string; callId: string; recording: string | null; detail: string }[];
};

beforeAll(async () => {
  room = await startRecordingRoom();
}, 60_000);

afterAll(async () => {
  await room?.stop();
  await stopAll();
});

describe('recordings through sas-acd serve', () => {
  it('lists a call’s recording for supervisors only, plays it audited, and says so on the /lrm feed', async () => {
    const s = room.siteId;
    const feed = ioClient(`${room.serving.url}/lrm`, {
      auth: { token: await room.token('lrm-1') },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const heard: LrmEvent[] = [];
    feed.on('event', (e: LrmEvent) => heard.push(e));
    await waitFor(() => feed.connected);
    try {
      const callId = await room.recordedCall('0600000001');
      const ref = callRef(s, callId);

      const own = await room.api('sup-1', 'GET', `/sites/${s}/calls/${callId}/recordings`);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({
        callId,
        hold: null,
        recordings: [{ name: ref, callId, callRef: ref, format: 'wav', held: false }],
      });
      const latest = (await room.api('sup-1', 'GET', `/sites/${s}/recordings?limit=5`)).body as Listed;
      expect(latest.recordings.map((r) => r.name)).toContain(ref);

      // Agents, the configuration admin and the LRM's client may not list or hear recordings.
      for (const user of ['arm-1', 'admin-1', 'lrm-1']) {
        expect((await room.api(user, 'GET', `/sites/${s}/calls/${callId}/recordings`)).status).toBe(403);
        expect((await room.api(user, 'GET', `/sites/${s}/recordings/${ref}/audio`)).status).toBe(403);
      }

      // The audio is the PBX's file, byte for byte; the listen is in the audit log.
      const audio = await room.api('sup-1', 'GET', `/sites/${s}/recordings/${ref}/audio`);
      expect(audio.status).toBe(200);
      expect(audio.type).toBe('audio/wav');
      expect(audio.bytes.subarray(0, 4).toString()).toBe('RIFF');
      expect(audio.bytes.equals(readFileSync(join(room.dir, `${ref}.wav`)))).toBe(true);
      const audit = (await room.api('sup-1', 'GET', `/sites/${s}/recordings-audit?callId=${callId}`))
        .body as Audit;
      expect(audit.audit).toHaveLength(1);
      expect(audit.audit[0]).toMatchObject({ action: 'listen', user: 'sup-1', callId, recording: ref });
      expect(audit.audit[0]!.detail).toMatch(/127\.0\.0\.1/);

      // Bad and unknown names: refused, and no audit line.
      expect((await room.api('sup-1', 'GET', `/sites/${s}/recordings/..%2Fetc/audio`)).status).toBe(400);
      expect((await room.api('sup-1', 'GET', `/sites/${s}/recordings/SAS-NONE/audio`)).status).toBe(404);
      const after = (await room.api('sup-1', 'GET', `/sites/${s}/recordings-audit`)).body as Audit;
      expect(after.audit.filter((a) => a.action === 'listen')).toHaveLength(1);

      // The LRM listening on /lrm hears the recording too, with its call's reference.
      const event = await waitFor(() =>
        heard.find((e) => e.type === 'recording.available' && e.callId === callId),
      );
      expect(event).toMatchObject({ callRef: ref, data: { name: ref, format: 'wav' } });
      await expectCleanPbx({ ariUrl: room.sim.ariUrl, user: room.sim.user, password: room.sim.password });
    } finally {
      feed.disconnect();
    }
  }, 60_000);

  it('the quality role: the recordings, their holds and the audit, and nothing live (role × route)', async () => {
    const s = room.siteId;
    const callId = await room.recordedCall('0600000003');
    const ref = callRef(s, callId);
    const status = async (user: string, method: string, path: string, body?: unknown) =>
      (await room.api(user, method, path, body)).status;
    // Recording routes: supervisor and quality yes; agent, admin and the LRM's client no.
    const reads = [
      `/sites/${s}/recordings`,
      `/sites/${s}/calls/${callId}/recordings`,
      `/sites/${s}/recordings-audit?callId=${callId}`,
    ];
    for (const path of reads) {
      for (const user of ['sup-1', 'quality-1'])
        expect([user, path, await status(user, 'GET', path)]).toEqual([user, path, 200]);
      for (const user of ['arm-1', 'admin-1', 'lrm-1'])
        expect([user, path, await status(user, 'GET', path)]).toEqual([user, path, 403]);
    }
    const audio = await room.api('quality-1', 'GET', `/sites/${s}/recordings/${ref}/audio`);
    expect(audio.status).toBe(200);
    expect(audio.bytes.equals(readFileSync(join(room.dir, `${ref}.wav`)))).toBe(true);
    const hold = `/sites/${s}/calls/${callId}/legal-hold`;
    expect(await status('quality-1', 'PUT', hold, { reason: 'plainte du patient' })).toBe(200);
    expect(await status('quality-1', 'DELETE', hold)).toBe(200);
    // Every act of the quality reviewer is in the audit, under its own name.
    const audit = (await room.api('sup-1', 'GET', `/sites/${s}/recordings-audit?callId=${callId}`))
      .body as Audit;
    expect(
      audit.audit
        .filter((a) => a.user === 'quality-1')
        .map((a) => a.action)
        .sort(),
    ).toEqual(['hold', 'listen', 'release'].sort());
    // Nothing live nor of the room: calls, agents, indicators, trunks, configuration, listen-ins,
    // the agent's desk, listening in on a call.
    const denied: [string, string, unknown?][] = [
      ['GET', `/sites/${s}/calls/${callId}`],
      ['GET', `/sites/${s}/agents`],
      ['GET', `/sites/${s}/indicators/live`],
      ['GET', `/sites/${s}/trunks`],
      ['GET', `/sites/${s}/config`],
      ['GET', `/sites/${s}/listen-ins`],
      ['POST', `/sites/${s}/agent/login`, {}],
      ['POST', `/sites/${s}/calls/${callId}/listen`, { mode: 'listen' }],
    ];
    for (const [method, path, body] of denied)
      expect([method, path, await status('quality-1', method, path, body)]).toEqual([method, path, 403]);
    await expectCleanPbx({ ariUrl: room.sim.ariUrl, user: room.sim.user, password: room.sim.password });
  }, 60_000);

  it('purges expired recordings but keeps a call under legal hold, until the hold is lifted', async () => {
    const s = room.siteId;
    const kept = await room.recordedCall('0600000002');
    const purged = await room.recordedCall('0600000003');
    const file = (callId: string) => join(room.dir, `${callRef(s, callId)}.wav`);
    expect(existsSync(file(kept)) && existsSync(file(purged))).toBe(true);

    // A hold needs a reason; on a call with no recording and not live, 404.
    expect((await room.api('sup-1', 'PUT', `/sites/${s}/calls/${kept}/legal-hold`, {})).status).toBe(400);
    expect(
      (await room.api('sup-1', 'PUT', `/sites/${s}/calls/no-such-call/legal-hold`, { reason: 'plainte' }))
        .status,
    ).toBe(404);
    expect(
      (await room.api('arm-1', 'PUT', `/sites/${s}/calls/${kept}/legal-hold`, { reason: 'x' })).status,
    ).toBe(403);
    const hold = await room.api('sup-1', 'PUT', `/sites/${s}/calls/${kept}/legal-hold`, {
      reason: 'Plainte du 3 mars',
    });
    expect(hold.status).toBe(200);
    expect(hold.body).toMatchObject({ callId: kept, by: 'sup-1', reason: 'Plainte du 3 mars' });

    // Within the retention (90 days by default) nothing goes.
    const retention = room.serving.recordings!.retention;
    expect(await retention.run(Date.now() + 89 * DAY)).toEqual({ deleted: 0, held: 0, failed: 0 });

    // Past it: every unheld recording (the first test's too) goes from the PBX, the disk and the index.
    const run = await retention.run(Date.now() + 91 * DAY);
    expect(run).toMatchObject({ held: 1, failed: 0 });
    expect(run.deleted).toBeGreaterThanOrEqual(1);
    expect(existsSync(file(purged))).toBe(false);
    expect(room.sim.pbx.recordings.stored.has(callRef(s, purged))).toBe(false);
    expect(
      ((await room.api('sup-1', 'GET', `/sites/${s}/calls/${purged}/recordings`)).body as Listed).recordings,
    ).toEqual([]);
    expect(existsSync(file(kept))).toBe(true);
    const held = (await room.api('sup-1', 'GET', `/sites/${s}/calls/${kept}/recordings`)).body as Listed;
    expect(held.recordings).toMatchObject([{ callId: kept, held: true }]);

    // Lifted: the next run purges it; the audit log has the hold, the release and both purges.
    expect((await room.api('sup-1', 'DELETE', `/sites/${s}/calls/${kept}/legal-hold`)).status).toBe(200);
    expect((await room.api('sup-1', 'DELETE', `/sites/${s}/calls/${kept}/legal-hold`)).status).toBe(404);
    expect(await retention.run(Date.now() + 91 * DAY)).toEqual({ deleted: 1, held: 0, failed: 0 });
    expect(existsSync(file(kept))).toBe(false);
    const audit = (await room.api('sup-1', 'GET', `/sites/${s}/recordings-audit`)).body as Audit;
    const actions = (callId: string) =>
      audit.audit.filter((a) => a.callId === callId).map((a) => `${a.action}:${a.user}`);
    expect(actions(kept)).toEqual(['purge:retention', 'release:sup-1', 'hold:sup-1']);
    expect(actions(purged)).toEqual(['purge:retention']);
  }, 60_000);
});
