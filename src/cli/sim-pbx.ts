// `sas-acd sim-pbx`: the ARI-speaking PBX simulator (simulator/pbx), and its conformance runner
// against recorded Asterisk 22 traces.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is an integer 0-65535');
  return n;
}

function millis(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be a number of ms ≥ 0');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a number > 0');
  return n;
}

/** sim-fs: the simulated drachtio-server + FreeSWITCH, with sim-pbx's trunk and endpoint sides. */
async function startFs(opts: {
  port: number;
  host: string;
  drachtioPort: number;
  eslPort: number;
  secret: string;
  eslPassword: string;
}): Promise<void> {
  const { startSimFs } = await import('../../simulator/freeswitch/server.js');
  const s = await startSimFs(opts);
  console.log(`sim-fs (drachtio-server + FreeSWITCH) listening on ${s.url}`);
  console.log(`  drachtio app   ${s.drachtio.host}:${s.drachtio.port} (secret ${s.drachtio.secret})`);
  console.log(`  event socket   ${s.esl.host}:${s.esl.port} (password ${s.esl.password})`);
  console.log(`  trunk          POST ${s.url}/sim/calls   timelines GET ${s.url}/sim/calls`);
  console.log(`  endpoints      WS ${s.endpointsWsUrl}`);
  console.log(`  leftovers      GET ${s.url}/sim/leftovers   faults POST ${s.url}/sim/faults`);
  const stop = (): void => {
    void s.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerSimPbx(program: Command): void {
  const sim = program
    .command('sim-pbx')
    .description('run sim-pbx, the PBX simulator that speaks Asterisk 22 ARI (see simulator/pbx/README.md)')
    .option('--port <port>', 'HTTP/WebSocket port (0: any free port)', port, 8088)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--user <user>', 'ARI user', 'asterisk')
    .option('--password <password>', 'ARI password', 'asterisk')
    .option('--app <app>', 'Stasis application the trunk sends calls to', 'sasacd')
    .option('--route <context=endpoint...>', 'dialplan context a `continue` may use, dialling an endpoint')
    .option('--answer-ms <ms>', "time an answer takes (default: Asterisk 22's, 2)", millis)
    .option('--bridge-ms <ms>', "time a bridge add/remove/destroy takes (default: Asterisk 22's, 2)", millis)
    .option('--hangup-ms <ms>', "time a hang-up takes (default: Asterisk 22's, 1)", millis)
    .option(
      '--originate-ms <ms>',
      "time from originate to the first Dial (default: Asterisk 22's, 3)",
      millis,
    )
    .option('--recording-dir <dir>', 'asterisk: write stored recordings there as small files (must exist)')
    .option(
      '--fallback-group <endpoints>',
      'asterisk: the dialplan fallback rings these endpoints (e.g. PJSIP/arm-1,PJSIP/arm-2) when the app is down',
    )
    .option(
      '--trunk-channels <spec>',
      'asterisk: trunk channels per line, e.g. 15=30,116117=10 (beyond: refused with congestion)',
    )
    .option('--pbx <kind>', 'asterisk (ARI) or freeswitch (drachtio-server + FreeSWITCH: sim-fs)', 'asterisk')
    .option('--drachtio-port <port>', 'freeswitch: drachtio app port (0: any free port)', port, 9022)
    .option('--esl-port <port>', 'freeswitch: FreeSWITCH inbound event socket port (0: any)', port, 8021)
    .option('--secret <secret>', 'freeswitch: drachtio secret', 'cymru')
    .option('--esl-password <password>', 'freeswitch: event socket password', 'ClueCon')
    .action(
      async (opts: {
        port: number;
        host: string;
        user: string;
        password: string;
        app: string;
        route?: string[];
        answerMs?: number;
        bridgeMs?: number;
        hangupMs?: number;
        originateMs?: number;
        recordingDir?: string;
        fallbackGroup?: string;
        trunkChannels?: string;
        pbx: string;
        drachtioPort: number;
        eslPort: number;
        secret: string;
        eslPassword: string;
      }) => {
        if (opts.pbx === 'freeswitch') return startFs(opts);
        if (opts.pbx !== 'asterisk') throw new InvalidArgumentError(`--pbx must be asterisk or freeswitch`);
        const { startSimPbx } = await import('../../simulator/pbx/server.js');
        const dialplanRoutes: Record<string, string> = {};
        for (const r of opts.route ?? []) {
          const [context, endpoint] = r.split('=');
          if (!context || !endpoint)
            throw new InvalidArgumentError(`--route ${r}: expected context=PJSIP/name`);
          dialplanRoutes[context] = endpoint;
        }
        const timing = Object.fromEntries(
          (['answerMs', 'bridgeMs', 'hangupMs', 'originateMs'] as const)
            .filter((k) => opts[k] !== undefined)
            .map((k) => [k, opts[k]!]),
        );
        const { port: p, host, user, password, app } = opts;
        const recording = opts.recordingDir ? { recordingDir: opts.recordingDir } : {};
        const group = (opts.fallbackGroup ?? '').split(',').filter((e) => e !== '');
        if (group.some((e) => !/^[A-Za-z]+\/[^/,]+$/.test(e)))
          throw new InvalidArgumentError(`--fallback-group: expected PJSIP/name,PJSIP/name…`);
        const fallback = group.length > 0 ? { fallback: { endpoints: group } } : {};
        const { parseTrunkChannels } = await import('../../simulator/pbx/trunk-limit.js');
        const trunkChannels = (() => {
          try {
            return parseTrunkChannels(opts.trunkChannels ?? '');
          } catch (err) {
            throw new InvalidArgumentError(`--trunk-channels: ${(err as Error).message}`);
          }
        })();
        const s = await startSimPbx({
          port: p,
          host,
          user,
          password,
          app,
          dialplanRoutes,
          timing,
          ...recording,
          ...fallback,
          trunkChannels,
        });
        const ws = s.url.replace(/^http/, 'ws');
        console.log(`sim-pbx listening on ${s.url}`);
        console.log(
          `  ARI            ${s.url}/ari  (user ${s.user}, app ${s.app}); events ${ws}/ari/events?app=${s.app}`,
        );
        console.log(
          `  trunk          POST ${s.url}/sim/calls   timelines GET ${s.url}/sim/calls, WS ${s.timelineWsUrl}`,
        );
        console.log(`  endpoints      WS ${s.endpointsWsUrl}`);
        console.log(`  fault switches POST ${s.url}/sim/faults`);
        const stop = (): void => {
          void s.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );

  sim
    .command('conformance')
    .description('replay recorded Asterisk 22 traces against sim-pbx and compare what it does')
    .requiredOption(
      '--traces <dir>',
      'folder of trace files (*.json) in the form of ../shared/asterisk-22/traces',
    )
    .option('--json', 'print {"scenarios": {name: {"passed", "divergences"}}}')
    .option(
      '--scale <factor>',
      'time scale of the replay (0.1: ten times faster than recorded)',
      positive,
      0.1,
    )
    .option('--readme <file>', 'README listing the accepted divergences (default: simulator/pbx/README.md)')
    .option(
      '--pbx <kind>',
      'asterisk (ARI traces, the default) or freeswitch (drachtio + event socket traces)',
    )
    .action(
      async (
        opts: { traces: string; json?: boolean; scale: number; readme?: string; pbx?: string },
        command: Command,
      ) => {
        // `sim-pbx` itself has --pbx too: whichever side of `conformance` it was written on.
        const pbx = opts.pbx ?? (command.parent?.opts() as { pbx?: string } | undefined)?.pbx ?? 'asterisk';
        if (pbx === 'freeswitch') {
          const { runFsConformance, formatFsReport } =
            await import('../../simulator/freeswitch/conformance/run.js');
          try {
            const report = await runFsConformance({
              tracesDir: opts.traces,
              scale: opts.scale,
              readme: opts.readme,
            });
            console.log(opts.json ? JSON.stringify(report, null, 2) : formatFsReport(report));
            process.exitCode = Object.values(report.scenarios).every((s) => s.passed) ? 0 : 1;
          } catch (err) {
            console.error(`sim-pbx conformance: ${(err as Error).message}`);
            process.exitCode = 2;
          }
          return;
        }
        if (pbx !== 'asterisk') {
          console.error(`sim-pbx conformance: --pbx must be asterisk or freeswitch, not "${pbx}"`);
          process.exitCode = 2;
          return;
        }
        const { runConformance, formatReport } = await import('../../simulator/pbx/conformance/run.js');
        try {
          const report = await runConformance({
            tracesDir: opts.traces,
            scale: opts.scale,
            readme: opts.readme,
          });
          console.log(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
          process.exitCode = Object.values(report.scenarios).every((s) => s.passed) ? 0 : 1;
        } catch (err) {
          console.error(`sim-pbx conformance: ${(err as Error).message}`);
          process.exitCode = 2;
        }
      },
    );
}
