// `sas-acd demo`: the whole system on an embedded default (see simulator/demo/demo.ts).
import { Option, type Command } from 'commander';
import { startDemo } from '../../simulator/demo/demo.js';
import { createLogger } from '../ports/logger.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the full system: redis-server, sim-pbx, the ACD, bot agents and generated traffic (illustrative)',
    )
    .addOption(
      new Option('--pbx <kind>', 'simulated PBX: asterisk (sim-pbx, ARI) or freeswitch (sim-fs, drachtio)')
        .choices(['asterisk', 'freeswitch'])
        .default('asterisk'),
    )
    .addOption(new Option('--port <port>', 'HTTP port of the ACD').default(8080).argParser(Number))
    .addOption(new Option('--calls-per-hour <n>', 'illustrative traffic').default(120).argParser(Number))
    .addOption(
      new Option('--speed <x>', 'simulated seconds per real second (talk and patience)')
        .default(1)
        .argParser(Number),
    )
    .addOption(new Option('--seed <n>', 'traffic seed').default(1).argParser(Number))
    .option('--no-lrm', 'without the example LRM receiving the call events (it needs a Redis)')
    .addOption(new Option('--human <seats>', 'seats left to people, comma-separated').default('arm-1'))
    .addOption(
      new Option(
        '--rush-minutes <n>',
        'opening minutes at 6× the rate: a queue builds, then drains (0: none)',
      )
        .default(4)
        .argParser(Number),
    )
    .addOption(
      new Option('--duration <seconds>', 'stop after this many seconds and print a summary').argParser(
        Number,
      ),
    )
    .action(
      async (o: {
        port: number;
        callsPerHour: number;
        speed: number;
        seed: number;
        human: string;
        rushMinutes: number;
        duration?: number;
        pbx: 'asterisk' | 'freeswitch';
        lrm: boolean;
      }) => {
        for (const [k, v] of Object.entries({
          port: o.port,
          'calls-per-hour': o.callsPerHour,
          speed: o.speed,
          seed: o.seed,
          'rush-minutes': o.rushMinutes,
        })) {
          if (!Number.isFinite(v) || v < 0) {
            console.error(`--${k} must be a non-negative number`);
            process.exitCode = 2;
            return;
          }
        }
        const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
        const demo = await startDemo({
          port: o.port,
          callsPerHour: o.callsPerHour,
          speed: o.speed || 1,
          seed: o.seed,
          humanSeats: o.human.split(',').filter(Boolean),
          rush: { minutes: o.rushMinutes, factor: 6 },
          logger,
          redisUrl: process.env.REDIS_URL || undefined,
          pbx: o.pbx,
          lrm: o.lrm,
        });
        if (demo.inMemory)
          console.log(
            'No redis-server here: the site state lives in this process (no persistence, archive or ' +
              'fail-over). For those: `sudo apt-get install redis-server` (or set REDIS_URL) and start again.',
          );
        console.log('sas-acd demo is running (illustrative traffic and staff). Open:');
        for (const [name, url] of Object.entries(demo.urls)) console.log(`  ${name.padEnd(9)} ${url}`);
        console.log('Demo logins (password "demo"): arm-1 for the ARM panel, sup-1 for the wallboard.');
        console.log(
          'Start here: open the wallboard as sup-1 and watch the opening rush build the N1 queue' +
            (o.rushMinutes > 0 ? ` (its first ${o.rushMinutes} min)` : '') +
            ', then open the panel as arm-1 in another window: the C key (or the button) puts you on the seat, ' +
            'calls ring there, and the qualification is one key: 0 = P0, 1 = P1, 2 = P2.',
        );
        // Ctrl-C or SIGTERM: a clean stop (redis-server last, in its own process group so the
        // terminal's signal does not reach it); a second signal, or a stop that hangs, exits at once.
        let stopping = false;
        const stop = async () => {
          if (stopping) process.exit(130);
          stopping = true;
          setTimeout(() => {
            console.error('sas-acd demo: the clean stop takes too long, exiting');
            process.exit(1);
          }, 10_000).unref();
          console.log(JSON.stringify({ summary: demo.summary() }));
          await demo.stop().catch((err: Error) => console.error(`sas-acd demo: stop failed: ${err.message}`));
          process.exit(0);
        };
        process.on('SIGINT', () => void stop());
        process.on('SIGTERM', () => void stop());
        if (o.duration !== undefined) setTimeout(() => void stop(), o.duration * 1000);
      },
    );
}
