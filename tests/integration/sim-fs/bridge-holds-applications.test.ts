// sim-fs holds an application sent to a bridged channel as a real FreeSWITCH 1.10.12 did on the lab
// (docs/freeswitch.md, "What was run against real servers"): fsmrf's Endpoint.destroy() sends
// `hangup` as an application, which a bridge runs only between audio frames it reads (none here, as
// with no RTP on the lab), so it waits until the bridge lets go: an unbridge (uuid_transfer -both
// park) or the other leg hanging up (park_after_bridge). Real drachtio-srf and drachtio-fsmrf.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MrfCtor, SrfCtor, type FsMediaServer, type Srf } from '../../../src/telephony/drachtio/libs.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';

async function until<T>(find: () => T | undefined | null | false, what: string, ms = 8000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sdp = (port: number) =>
  `v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n`;

let lab: SimFsServer;
let srf: Srf;
let ms: FsMediaServer;

beforeEach(async () => {
  lab = await startSimFs({ eslPassword: 'not-ClueCon' });
  srf = new SrfCtor();
  srf.connect(lab.drachtio);
  await new Promise<void>((r) => srf.once('connect', r));
  ms = await new MrfCtor(srf).connect({
    address: lab.esl.host,
    port: lab.esl.port,
    secret: lab.esl.password,
    listenAddress: '127.0.0.1',
    listenPort: 0,
  });
});

afterEach(async () => {
  ms.disconnect();
  srf.disconnect();
  await lab.close();
});

const bridgedPair = async () => {
  const a = await ms.createEndpoint({ remoteSdp: sdp(31000) });
  const b = await ms.createEndpoint({ remoteSdp: sdp(31002) });
  await a.bridge(b);
  return { a, b };
};
const media = () => lab.sim.media;
/** The hangup fsmrf sent is held on the channel (the app's command was answered +OK, nothing ran). */
const hangupHeld = (uuid: string) =>
  until(
    () =>
      media()
        .channels.get(uuid)
        ?.queued.some((q) => q.name === 'hangup'),
    `hangup held on ${uuid}`,
  );

describe('sim-fs: a bridged channel holds the applications it is sent', () => {
  it('destroy() of a bridged endpoint waits for the bridge; unbridging lets both go', async () => {
    const { a, b } = await bridgedPair();
    let destroyed = false;
    const done = b.destroy().then(() => (destroyed = true));
    await hangupHeld(b.uuid);
    expect(media().channels.has(b.uuid)).toBe(true);
    expect(destroyed).toBe(false);
    // Unbridged, both park: the held hangup runs, FreeSWITCH sends its BYE, destroy() resolves.
    await a.unbridge();
    await done;
    await until(() => !media().channels.has(b.uuid), 'b gone');
    expect(media().channels.get(a.uuid)?.stack.at(-1)?.name).toBe('park');
    await a.destroy();
    expect(media().snapshot().channels).toBe(0);
  });

  it('a leg killed in a bridge parks the other (park_after_bridge), whose held applications then run', async () => {
    const { a, b } = await bridgedPair();
    const done = a.destroy();
    await hangupHeld(a.uuid);
    expect(await ms.api(`uuid_kill ${b.uuid}`)).toMatch(/^\+OK/);
    await done;
    await until(() => media().snapshot().channels === 0, 'no channel left');
  });

  it('what a bridged channel is sent runs in order once the bridge ends', async () => {
    const { a, b } = await bridgedPair();
    const played = a.play('local_stream://default').catch(() => undefined);
    await until(
      () =>
        media()
          .channels.get(a.uuid)
          ?.queued.some((q) => q.name === 'playback'),
      'playback held',
    );
    expect(
      media()
        .channels.get(a.uuid)
        ?.stack.some((x) => x.name === 'playback'),
    ).toBe(false);
    await ms.api(`uuid_kill ${b.uuid}`);
    await until(
      () => media().channels.get(a.uuid)?.stack.at(-1)?.name === 'playback',
      'music after the bridge',
    );
    await a.destroy();
    await played;
    expect(media().snapshot().channels).toBe(0);
  });
});
