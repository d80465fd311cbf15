// `sas-acd serve` with the site's recording switch on and an LRM configured (real redis-server,
// in-process sim-pbx, the example LRM): a call answered and ended is recorded in one file named
// after the call's public reference, and the LRM receives `recording.available` for it, signed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeSettings, startServe } from '../../../src/app/serve.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { callRef } from '../../../src/lrm/call-ref.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import { freshSiteId, redisUrl, silent, stopAll, waitFor } from './fixtures/site.js';

afterAll(stopAll);

const SECRET = 'serve-recording-secret-for-tests';

describe('sas-acd serve with call recording on', () => {
  it('records a call under its reference and tells the LRM the recording is available', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-serve-rec-'));
    const sim = await startSimPbx({ port: 0, app: 'sasacd', recordingDir: dir });
    const lrm = await startExampleLrm({ secret: SECRET });
    const siteId = freshSiteId();
    const config = join(dir, 'site.json');
    writeFileSync(config, JSON.stringify({ ...exampleSite, id: siteId, recording: { enabled: true } }));
    const users = join(dir, 'users.json');
    writeFileSync(
      users,
      JSON.stringify([
        { username: 'arm-1', roles: ['arm'], sites: [siteId], agentId: 'arm-1', password: 'dev-only' },
      ]),
    );
    const parsed = parseServeSettings({
      configFile: config,
      usersFile: users,
      port: 0,
      host: '127.0.0.1',
      env: {
        REDIS_URL: redisUrl(),
        ARI_URL: sim.ariUrl,
        ARI_USER: sim.user,
        ARI_PASSWORD: sim.password,
        JWT_SECRET: 'x'.repeat(40),
        LRM_WEBHOOK_URL: lrm.url,
        LRM_WEBHOOK_SECRET: SECRET,
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const serving = await startServe(parsed.settings, silent);
    const phone = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-1');
    try {
      phone.autoAnswer(0);
      await waitFor(() => serving.adapter()?.connected);
      expect((await serving.site.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
      const placed = await fetch(`${sim.url}/sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ line: '15', callerNumber: '0600000001' }),
      });
      expect(placed.status).toBe(201);
      const { callId: simCallId, channelId: callId } = (await placed.json()) as {
        callId: string;
        channelId: string;
      };
      const ref = callRef(siteId, callId);
      await waitFor(() => sim.pbx.recordings.live.get(ref)?.state === 'recording');
      const hungUp = await fetch(`${sim.url}/sim/calls/${simCallId}/hangup`, { method: 'POST' });
      expect(hungUp.status).toBe(204);
      const got = await waitFor(() =>
        lrm.received.find(
          (d) => d.event === 'recording.available' && (d.body as { callId?: string }).callId === callId,
        ),
      );
      expect(got.body).toMatchObject({
        type: 'recording.available',
        callRef: ref,
        data: { name: ref, format: 'wav' },
      });
      expect(lrm.refused).toEqual([]);
      expect([...sim.pbx.recordings.stored.keys()]).toEqual([ref]);
    } finally {
      phone.close();
      await serving.stop();
      await lrm.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
