// The drachtio adapter against a REAL drachtio-server and FreeSWITCH configured with
// freeswitch-config/. Runs only when DRACHTIO_URL (drachtio://<secret>@host:9022) and FREESWITCH_ESL
// (esl://<password>@host:8021) are set; reported as skipped otherwise. What it checks: the adapter
// connects to both (drachtio-srf authenticates, drachtio-fsmrf finds the drachtio_mrf profile) and
// FreeSWITCH answers a 3pcc endpoint that is then destroyed, leaving no channel. The port-level
// scenarios with FreeSWITCH playing the far end are in real-freeswitch-far.test.ts.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { MrfCtor, SrfCtor } from '../../../src/telephony/drachtio/libs.js';

const env = process.env;
const enabled = Boolean(env.DRACHTIO_URL && env.FREESWITCH_ESL);
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function parse(raw: string): { host: string; port: number; secret: string } {
  const u = new URL(raw);
  return { host: u.hostname, port: Number(u.port), secret: decodeURIComponent(u.username || u.password) };
}

describe.skipIf(!enabled)('the drachtio adapter against a real drachtio-server and FreeSWITCH', () => {
  const drachtio = enabled ? parse(env.DRACHTIO_URL!) : { host: '', port: 0, secret: '' };
  const esl = enabled ? parse(env.FREESWITCH_ESL!) : { host: '', port: 0, secret: '' };
  let adapter: DrachtioAdapter | null = null;

  afterAll(async () => {
    await adapter?.stop();
  });

  it('connects to both servers', async () => {
    adapter = new DrachtioAdapter({
      drachtio,
      freeswitch: { host: esl.host, port: esl.port, password: esl.secret },
      agentUri: (id) => `sip:${id}@127.0.0.1`,
      partnerUri: (_p, d) => `sip:${d}@127.0.0.1`,
      logger: silent,
    });
    await adapter.start(() => {});
    expect(adapter.connected).toBe(true);
  }, 15_000);

  it('gets a 3pcc endpoint from FreeSWITCH and leaves no channel once it is destroyed', async () => {
    const srf = new SrfCtor();
    srf.connect(drachtio);
    await new Promise<void>((resolve) => srf.once('connect', resolve));
    const ms = await new MrfCtor(srf).connect({
      address: esl.host,
      port: esl.port,
      secret: esl.secret,
      listenAddress: '127.0.0.1',
      listenPort: 0,
    });
    try {
      const ep = await ms.createEndpoint();
      expect(ep.local.sdp).toMatch(/m=audio \d+ RTP\/AVP/);
      await ep.destroy();
      // FreeSWITCH removes the channel just after its BYE (destroy() resolves on that BYE): waited for.
      const start = Date.now();
      while ((await ms.api('show channels as json')).includes(ep.uuid) && Date.now() - start < 5000)
        await new Promise((r) => setTimeout(r, 50));
      expect(await ms.api('show channels as json')).not.toContain(ep.uuid);
    } finally {
      ms.disconnect();
      srf.disconnect();
    }
  }, 15_000);
});
