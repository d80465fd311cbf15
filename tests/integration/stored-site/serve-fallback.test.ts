// `serve` on the shared redis-server and an in-process sim-pbx whose dialplan fallback rings a group:
// a call the group answered while no ACD was connected is counted by the leader once it is up (in
// the stored stream and on GET /indicators, labelled fallback); a record read again by the next
// process (a crash before its deletion) is not counted twice.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeSettings, startServe } from '../../../src/app/serve.js';
import { hashPassword } from '../../../src/auth/index.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { siteKeys } from '../../../src/store/keys.js';
import { PhoneClient, type PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { FALLBACK_FAMILY } from '../../../simulator/pbx/astdb.js';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, redisUrl, silent, stopAll, waitFor } from './fixtures/site.js';

afterAll(stopAll);

describe('serve counts the calls the dialplan fallback answered', () => {
  it('once the leader is up, on the stream and the indicators, and never twice', async () => {
    const sim = await startSimPbx({
      port: 0,
      fallback: { endpoints: ['PJSIP/arm-1'], ringSeconds: 5, waitSeconds: 0.5 },
    });
    const phone = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-1');
    phone.on('invite', (m: PhoneMessage) => setTimeout(() => phone.answer(String(m.channelId)), 200));
    const siteId = freshSiteId();
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-serve-fallback-'));
    writeFileSync(join(dir, 'site.json'), JSON.stringify({ ...exampleSite, id: siteId }));
    const users = [
      {
        username: 'sup',
        roles: ['supervisor'],
        sites: [siteId],
        passwordHash: await hashPassword('s3cret-sup'),
      },
    ];
    writeFileSync(join(dir, 'users.json'), JSON.stringify(users));
    const settings = () => {
      const parsed = parseServeSettings({
        configFile: join(dir, 'site.json'),
        usersFile: join(dir, 'users.json'),
        port: 0,
        host: '127.0.0.1',
        env: {
          REDIS_URL: redisUrl(),
          ARI_URL: sim.ariUrl,
          ARI_USER: sim.user,
          ARI_PASSWORD: sim.password,
          JWT_SECRET: 'x'.repeat(40),
          FALLBACK_POLL_MS: '300',
        },
      });
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      return parsed.settings;
    };
    const redis = connect();
    const counted = async () =>
      (await redis.xrange(siteKeys(siteId).events, '-', '+'))
        .map(
          ([, fields]) =>
            JSON.parse(fields[fields.indexOf('event') + 1]!) as { type: string; callId?: string },
        )
        .filter((e) => e.type === 'FallbackCallCounted');
    try {
      // No ACD: the call rings the group, whose phone answers; the PBX keeps the record.
      const call = sim.pbx.injectCall({ line: '15', callerNumber: '0600000009' });
      await waitFor(() => call.answeredBy === 'PJSIP/arm-1');
      const [key] = sim.pbx.astdb.keys(FALLBACK_FAMILY);
      expect(key).toMatch(new RegExp(`^${call.channelId.replace('.', '\\.')}:15:\\d+:\\d+:arm-1:$`));

      let serving = await startServe(settings(), silent);
      try {
        await waitFor(async () => (await counted()).length === 1);
        expect((await counted())[0]).toMatchObject({ callId: call.channelId, line: '15', phone: 'arm-1' });
        await waitFor(() => sim.pbx.astdb.keys(FALLBACK_FAMILY).length === 0);
        const login = await fetch(`${serving.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'sup', password: 's3cret-sup' }),
        });
        const { accessToken } = (await login.json()) as { accessToken: string };
        const since = Date.now() - 26 * 3_600_000;
        const res = await fetch(
          `${serving.url}/api/v1/sites/${siteId}/indicators?granularity=day&since=${since}`,
          {
            headers: { authorization: `Bearer ${accessToken}` },
          },
        );
        expect(res.status).toBe(200);
        const spans = ((await res.json()) as { spans: { all: Record<string, number> }[] }).spans;
        const sum = (k: string) => spans.reduce((n, s) => n + (s.all[k] ?? 0), 0);
        expect(sum('calls.fallbackAnswered')).toBe(1);
        expect(sum('calls.answered')).toBe(1);
        expect(sum('calls.arrived')).toBe(1);
      } finally {
        await serving.stop();
      }

      // A crash before the deletion: the next process reads the same record again.
      sim.pbx.astdb.put(FALLBACK_FAMILY, key!, '1');
      serving = await startServe(settings(), silent);
      try {
        await waitFor(() => sim.pbx.astdb.keys(FALLBACK_FAMILY).length === 0);
        expect(await counted()).toHaveLength(1);
      } finally {
        await serving.stop();
      }
      phone.hangup(call.agentLegs[0]!);
      await waitFor(() => call.endedAtMs !== null);
      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
    } finally {
      phone.close();
      redis.disconnect();
      await sim.close();
    }
  });
});
