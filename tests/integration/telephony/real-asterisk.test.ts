// The ARI adapter against a REAL Asterisk 22 configured with asterisk-config/ (pjsip-loadtest.conf
// included): sipp places the caller and plays the agents' phones (load-agent-1 at N1, load-agent-2
// at N2 AMU). Runs only when ARI_URL is set (with ARI_USER / ARI_PASSWORD / ARI_APP, ASTERISK_SIP
// = host:port of Asterisk's SIP UDP, SIPP_HOST = the address Asterisk reaches the phones at, port
// 5080); reported as skipped otherwise. See asterisk-config/README.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteRuntime } from '../../../src/app/site-runtime.js';
import type { Event } from '../../../src/core/events.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { exampleConfig } from '../../unit/core/harness.js';

const env = process.env;
const enabled =
  Boolean(env.ARI_URL && env.ASTERISK_SIP) &&
  spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error === undefined;
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe.skipIf(!enabled)('the ARI adapter against a real Asterisk', () => {
  let phones: ChildProcess;
  let adapter: AriAdapter;
  let runtime: SiteRuntime;
  const events: Event[] = [];

  const until = async <T>(find: () => T | undefined | false, what: string, ms = 15_000): Promise<T> => {
    const start = Date.now();
    for (;;) {
      const v = find();
      if (v) return v;
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const caller = (patienceMs: number) =>
    spawn(
      'sipp',
      [
        '-sf',
        'simulator/sipp/caller-15.xml',
        '-s',
        '15',
        '-m',
        '1',
        '-set',
        'patience_ms',
        String(patienceMs),
        '-aa',
        '-p',
        '5071',
        env.ASTERISK_SIP!,
      ],
      {
        stdio: 'ignore',
      },
    );

  beforeAll(async () => {
    phones = spawn(
      'sipp',
      [
        '-sf',
        'simulator/sipp/agent-phone.xml',
        '-i',
        env.SIPP_HOST ?? '127.0.0.1',
        '-p',
        '5080',
        '-set',
        'ring_ms',
        '500',
      ],
      {
        stdio: 'ignore',
      },
    );
    const config = exampleConfig((c) => {
      c.agents = [
        {
          id: 'load-agent-1',
          name: 'ARM N1',
          roles: ['arm'],
          skills: [{ queue: 'n1', preference: 1 }],
          autoAnswer: true,
          endpoint: 'PJSIP/load-agent-1',
        },
        {
          id: 'load-agent-2',
          name: 'ARM N2',
          roles: ['arm'],
          skills: [{ queue: 'n2-amu', preference: 1 }],
          endpoint: 'PJSIP/load-agent-2',
        },
      ];
    });
    adapter = new AriAdapter({
      url: env.ARI_URL!,
      user: env.ARI_USER ?? 'sasacd',
      password: env.ARI_PASSWORD ?? '',
      app: env.ARI_APP ?? 'sasacd',
      endpointOf: (id) => `PJSIP/${id}`,
      logger: silent,
    });
    runtime = new SiteRuntime({ config, logger: silent, effects: (f) => adapter.execute(f) });
    runtime.onEvents((e) => events.push(...e));
    await adapter.start((cmd, at) => runtime.dispatch(cmd, at));
    runtime.start();
  }, 30_000);

  afterAll(async () => {
    runtime?.stop();
    await adapter?.stop();
    phones?.kill('SIGTERM');
  });

  it('sees an abandon when the caller hangs up while held with music', async () => {
    const sipp = caller(2000);
    const ended = await until(() => events.find((e) => e.type === 'CallEnded'), 'abandon');
    expect(ended).toMatchObject({ outcome: 'abandoned', by: 'caller', answered: false });
    sipp.kill('SIGTERM');
  }, 30_000);

  it('connects the N1 ARM, moves a P1 to N2 AMU without cutting the caller, and ends the call', async () => {
    events.length = 0;
    runtime.dispatch({ type: 'agentLogin', agentId: 'load-agent-1' });
    runtime.dispatch({ type: 'agentLogin', agentId: 'load-agent-2' });
    const sipp = caller(60_000);
    const arrived = await until(() => events.find((e) => e.type === 'CallArrived'), 'arrival');
    const callId = (arrived as { callId: string }).callId;
    await until(
      () => events.some((e) => e.type === 'CallConnected' && e.agentId === 'load-agent-1'),
      'N1 answer',
    );
    expect(
      runtime.dispatch({ type: 'qualifyCall', callId, agentId: 'load-agent-1', qualification: 'P1' }).ok,
    ).toBe(true);
    expect(runtime.dispatch({ type: 'transferCall', callId, agentId: 'load-agent-1' }).ok).toBe(true);
    await until(
      () => events.some((e) => e.type === 'CallConnected' && e.agentId === 'load-agent-2'),
      'N2 answer',
    );
    expect(events.some((e) => e.type === 'CallEnded')).toBe(false); // never cut by the transfer
    runtime.dispatch({ type: 'hangUp', callId, agentId: 'load-agent-2' });
    await until(() => events.find((e) => e.type === 'CallEnded'), 'end');
    sipp.kill('SIGTERM');
  }, 60_000);
});
