// The demo's PBX: sim-pbx with the ARI adapter (Asterisk, the default) or sim-fs with the drachtio
// adapter (FreeSWITCH through drachtio-server). Both simulators take callers on POST /sim/calls and
// phones on the same endpoint WebSocket, so the bots and the traffic run unchanged on either.
import type { SiteConfig } from '../../src/core/config.js';
import type { Logger } from '../../src/ports/logger.js';
import { createPbxAdapter, type PbxAdapter, type PbxKind } from '../../src/app/pbx.js';
import { startSimFs } from '../freeswitch/server.js';
import { startSimPbx } from '../pbx/server.js';

export type DemoPbx = {
  kind: PbxKind;
  adapter: PbxAdapter;
  /** The simulator's HTTP side (POST /sim/calls) and its endpoint WebSocket (phones). */
  url: string;
  endpointsWsUrl: string;
  /** Where to look at the simulated PBX, for the demo's banner. */
  urls: Record<string, string>;
  /** What the simulator saw on its own: calls ended, and callers who gave up before any agent. */
  groundTruth(): { ended: number; abandoned: number };
  close(): Promise<void>;
};

export async function startDemoPbx(kind: PbxKind, config: SiteConfig, logger: Logger): Promise<DemoPbx> {
  if (kind === 'freeswitch') {
    const lab = await startSimFs({});
    const adapter = createPbxAdapter(
      {
        kind: 'freeswitch',
        drachtio: lab.drachtio,
        freeswitch: { host: lab.esl.host, port: lab.esl.port, password: lab.esl.password },
        eslListen: { address: '127.0.0.1', port: 0 },
        agentUri: 'sip:{user}@127.0.0.1',
        partnerUri: 'sip:{destination}@127.0.0.1:5096',
        outboundUri: 'sip:{number}@127.0.0.1',
      },
      config,
      logger,
    );
    return {
      kind,
      adapter,
      url: lab.url,
      endpointsWsUrl: lab.endpointsWsUrl,
      urls: {
        drachtio: `${lab.drachtio.host}:${lab.drachtio.port}`,
        esl: `${lab.esl.host}:${lab.esl.port}`,
        simFs: `${lab.url}/sim/calls`,
      },
      groundTruth() {
        const calls = [...lab.sim.calls.values()].map((c) => c.timeline);
        return {
          ended: calls.filter((t) => t.endedAtMs !== null).length,
          abandoned: calls.filter((t) => t.endedBy === 'patience' && t.agents.length === 0).length,
        };
      },
      close: () => lab.close(),
    };
  }
  const sim = await startSimPbx({ port: 0 });
  const adapter = createPbxAdapter(
    { kind: 'asterisk', ari: { url: sim.ariUrl, user: sim.user, password: sim.password, app: sim.app } },
    config,
    logger,
  );
  return {
    kind,
    adapter,
    url: sim.url,
    endpointsWsUrl: sim.endpointsWsUrl,
    urls: { ari: sim.ariUrl, simPbx: `${sim.url}/sim/calls` },
    groundTruth() {
      const calls = [...sim.pbx.timelines.calls.values()];
      return {
        ended: calls.filter((c) => c.endedAtMs !== null).length,
        abandoned: calls.filter((c) => c.endedBy === 'patience' && c.answeredByAgentAtMs === null).length,
      };
    },
    close: () => sim.close(),
  };
}
