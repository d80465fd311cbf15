// `serve` with several sites on one Asterisk (sim-pbx, an application per site) counts each site's
// calls the dialplan fallback took while no ACD was connected from that site's own AstDB family
// (`sasacd-<site>-fallback`): each site's leader counts its own calls once, in its own stream, and
// deletes its own records only; a family of a site this fleet does not serve is left as it is.
import { afterAll, describe, expect, it } from 'vitest';
import { parseSitesSettings, startServeSites } from '../../../src/app/serve-sites.js';
import { siteKeys } from '../../../src/store/keys.js';
import { fallbackFamily } from '../../../simulator/pbx/astdb.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { jsonWriter, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';
import { connect, freshSiteId, redisUrl, silent, waitFor } from './fixtures/site.js';

const write = jsonWriter('sas-acd-sites-fallback-');
const pbx = simPbxPerTest();
const redis = connect();
afterAll(() => redis.disconnect());

type Stored = { type: string; callId?: string; line?: string; phone?: string | null };
const stream = async (site: string): Promise<Stored[]> =>
  (await redis.xrange(siteKeys(site).events, '-', '+')).map(
    ([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]!) as Stored,
  );
const countedIn = async (site: string) =>
  (await stream(site)).filter((e) => e.type === 'FallbackCallCounted' || e.type === 'FallbackAbandonCounted');

describe('serve with several sites on one Asterisk: the fallback records per site', () => {
  it("counts each site's fallback calls from its own AstDB family, once, and touches no other family", async () => {
    const sim = await pbx.start({
      port: 0,
      fallback: { endpoints: ['PJSIP/arm-1'], ringSeconds: 5, waitSeconds: 0.5 },
    });
    const phone = await pbx.phone('PJSIP/arm-1');
    const [x, y, z] = [freshSiteId(), freshSiteId(), freshSiteId()];
    const timeline = (callId: string) => sim.pbx.timelines.calls.get(callId)!;

    // No ACD: each site's caller rings the fallback group, whose phone answers; the record goes to
    // the family of the caller's application.
    const callX = await placeCall(sim, x, '0600000001');
    await waitFor(() => timeline(callX.callId).answeredBy === 'PJSIP/arm-1', 20_000);
    const callY = await placeCall(sim, y, '0600000002');
    await waitFor(() => timeline(callY.callId).answeredBy === 'PJSIP/arm-1', 20_000);
    expect(sim.pbx.astdb.keys(fallbackFamily(`sasacd-${x}`))).toEqual([
      expect.stringMatching(new RegExp(`^${callX.channelId.replace('.', '\\.')}:15:\\d+:\\d+:arm-1:$`)),
    ]);
    expect(sim.pbx.astdb.keys(fallbackFamily(`sasacd-${y}`))).toHaveLength(1);
    // A site of another fleet on the same Asterisk, not served here: its record must stay.
    const other = `${Date.now() - 5000}.9:15:${Date.now() - 5000}:${Date.now() - 3000}:arm-1:`;
    sim.pbx.astdb.put(fallbackFamily(`sasacd-${z}`), other, '1');

    const configs = [write(`site-${x}.json`, siteConfig(x)), write(`site-${y}.json`, siteConfig(y))];
    const users = write(`users-${x}.json`, [
      { username: 'sup-1', roles: ['supervisor'], sites: [x, y], password: 'dev-only' },
    ]);
    const parsed = parseSitesSettings({
      configFiles: configs,
      usersFile: users,
      port: 0,
      host: '127.0.0.1',
      env: {
        REDIS_URL: redisUrl(),
        ARI_URL: sim.ariUrl,
        ARI_USER: sim.user,
        ARI_PASSWORD: sim.password,
        JWT_SECRET: 'x'.repeat(40),
        FLEET_NAME: `f${x}`,
        RECONCILE_EVERY_MS: '0',
        FALLBACK_POLL_MS: '300',
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const serving = await startServeSites(parsed.settings, silent);
    try {
      await waitFor(
        async () => (await countedIn(x)).length === 1 && (await countedIn(y)).length === 1,
        30_000,
      );
      // Deleted by each site's next read, each from its own family.
      await waitFor(
        () =>
          sim.pbx.astdb.keys(fallbackFamily(`sasacd-${x}`)).length === 0 &&
          sim.pbx.astdb.keys(fallbackFamily(`sasacd-${y}`)).length === 0,
        20_000,
      );
      // Three more reads of each site (300 ms apart) count nothing again; no reader ever listed
      // another family than its site's.
      const listed = (site: string) => sim.pbx.astdb.listed.get(fallbackFamily(`sasacd-${site}`)) ?? 0;
      const [lx, ly] = [listed(x), listed(y)];
      await waitFor(() => listed(x) >= lx + 3 && listed(y) >= ly + 3, 20_000);
      expect([...sim.pbx.astdb.listed.keys()].sort()).toEqual(
        [fallbackFamily(`sasacd-${x}`), fallbackFamily(`sasacd-${y}`)].sort(),
      );
      expect(sim.pbx.astdb.keys(fallbackFamily(`sasacd-${z}`))).toEqual([other]);
      expect(await countedIn(x)).toEqual([
        expect.objectContaining({
          type: 'FallbackCallCounted',
          callId: callX.channelId,
          line: '15',
          phone: 'arm-1',
        }),
      ]);
      expect(await countedIn(y)).toEqual([
        expect.objectContaining({
          type: 'FallbackCallCounted',
          callId: callY.channelId,
          line: '15',
          phone: 'arm-1',
        }),
      ]);
    } finally {
      await serving.stop();
    }
    for (const call of [callX, callY]) phone.hangup(timeline(call.callId).agentLegs[0]!);
    await waitFor(() => [callX, callY].every((c) => timeline(c.callId).endedAtMs !== null), 20_000);
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  }, 90_000);
});
