// `sas-acd serve` (the ACD process of a deployment, see src/app/serve.ts) and `sas-acd users hash`
// (the password hashes of the users file).
import { Option, type Command } from 'commander';
import { hashPassword } from '../auth/index.js';
import { createLogger } from '../ports/logger.js';
import { parseServeSettings, startServe } from '../app/serve.js';
import { parseSitesSettings, startServeSites } from '../app/serve-sites.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'run the ACD for one site or several: state in Redis (writer or standby), PBX adapter, REST API, live feeds and web UI',
    )
    .option(
      '--config <file>',
      'the site configuration (JSON; see `sas-acd config check`); repeat it (or a,b,c) for several sites',
      (file: string, files: string[] = []) => [...files, ...file.split(',').filter((f) => f !== '')],
    )
    .option('--users <file>', 'the users (JSON; see docs/store.md, "sas-acd serve")')
    .addOption(new Option('--port <port>', 'HTTP port').default('8080'))
    .addOption(new Option('--host <host>', 'HTTP address to listen on').default('127.0.0.1'))
    .addOption(
      new Option(
        '--pbx <kind>',
        'asterisk (ARI) or freeswitch (drachtio-server + FreeSWITCH); default: PBX or asterisk',
      ),
    )
    .addHelpText(
      'after',
      '\nEnvironment: REDIS_URL (required), JWT_SECRET (required, >= 32 characters), LOG_LEVEL (default info),\n' +
        'PBX (asterisk or freeswitch, default asterisk; --pbx wins).\n' +
        'Asterisk: ARI_URL, ARI_USER, ARI_PASSWORD (required), ARI_APP (default sasacd).\n' +
        'FreeSWITCH: DRACHTIO_URL (drachtio://<secret>@host:9022), FREESWITCH_ESL (esl://<password>@host:8021)\n' +
        "(required), ESL_LISTEN (host:port for FreeSWITCH's outbound event sockets, default 127.0.0.1:0),\n" +
        'ESL_ADVERTISED_ADDRESS, SIP_AGENT_URI (default sip:{user}@127.0.0.1), SIP_PARTNER_URI\n' +
        '(default sip:{destination}@127.0.0.1), SIP_OUTBOUND_URI (default sip:{number}@127.0.0.1), RECORDINGS_DIR.\n' +
        'Several sites (--config given more than once): ARI_APP is a template with {site} (default sasacd-{site});\n' +
        'on FreeSWITCH each site its own DRACHTIO_URL_<SITE> and FREESWITCH_ESL_<SITE> (or {site} in them),\n' +
        'FLEET_NAME (default acd: processes with the same sites share it), FLEET_PROCESS_ID (default host:pid:random).\n' +
        'WebRTC panel phone: SIP_WS_URL (the gateway, wss://pbx:8089/ws), SIP_DOMAIN (default its host),\n' +
        'SIP_PASSWORDS_FILE (JSON: SIP user → password); without SIP_WS_URL the panel uses the desk phone.',
    )
    .action(async (o: { config?: string[]; users?: string; port: string; host: string; pbx?: string }) => {
      if ((o.config?.length ?? 0) > 1) return serveSites(o, o.config!);
      const parsed = parseServeSettings({
        configFile: o.config?.[0],
        usersFile: o.users,
        port: o.port,
        host: o.host,
        pbx: o.pbx,
        env: process.env,
      });
      if (!parsed.ok) {
        console.error(`sas-acd serve: refused, ${parsed.errors.length} problem(s):`);
        for (const e of parsed.errors) console.error(`  - ${e}`);
        process.exitCode = 2;
        return;
      }
      const logger = createLogger();
      const serving = await startServe(parsed.settings, logger);
      console.log(`sas-acd serve: site ${parsed.settings.config.id} on ${serving.url}`);
      const stop = async () => {
        await serving.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  async function serveSites(
    o: { users?: string; port: string; host: string; pbx?: string },
    configFiles: string[],
  ): Promise<void> {
    const parsed = parseSitesSettings({
      configFiles,
      usersFile: o.users,
      port: o.port,
      host: o.host,
      pbx: o.pbx,
      env: process.env,
    });
    if (!parsed.ok) {
      console.error(`sas-acd serve: refused, ${parsed.errors.length} problem(s):`);
      for (const e of parsed.errors) console.error(`  - ${e}`);
      process.exitCode = 2;
      return;
    }
    const serving = await startServeSites(parsed.settings, createLogger());
    const sites = parsed.settings.configs.map((c) => c.id).join(', ');
    console.log(`sas-acd serve: sites ${sites} (process ${serving.fleet.processId}) on ${serving.url}`);
    const stop = async () => {
      await serving.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  }

  program
    .command('users')
    .description('users of `sas-acd serve`')
    .command('hash')
    .description('print the scrypt hash of a password read from standard input, for the users file')
    .action(async () => {
      const password = await readStdin();
      if (!password) {
        console.error('sas-acd users hash: give the password on standard input');
        process.exitCode = 2;
        return;
      }
      console.log(await hashPassword(password));
    });
}
