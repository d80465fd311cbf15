// `sas-acd bench NAME [--json]`: runs one benchmark, or all of them (`npm run bench`).
import type { Command } from 'commander';
import { benches } from '../bench/registry.js';
import '../bench/all.js';

type BenchOptions = {
  json?: boolean;
  quick?: boolean;
  maxUpdatesPerSecond?: string;
  pbx?: string;
  drills?: string;
};

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(`run a benchmark and print its figures (one of: all, ${Object.keys(benches).join(', ')})`)
    .argument('<name>', 'benchmark name, or "all"')
    .option('--json', 'print machine-readable JSON only')
    .option('--quick', 'smaller workload (for smoke tests)')
    .option('--pbx <kind>', 'telephony: asterisk (default) or freeswitch (beside Asterisk, in the same run)')
    .option('--max-updates-per-second <n>', "fanout: the supervisor feed cap (default 5, the server's)")
    .option('--drills <n>', 'failover: how many kill -9 drills (default 20)')
    .action(async (name: string, opts: BenchOptions) => {
      if (opts.pbx !== undefined && opts.pbx !== 'asterisk' && opts.pbx !== 'freeswitch') {
        console.error(`--pbx: asterisk or freeswitch, not "${opts.pbx}"`);
        process.exitCode = 2;
        return;
      }
      if (opts.pbx === 'freeswitch' && name === 'telephony') name = 'telephony-freeswitch';
      if (opts.pbx === 'freeswitch' && name === 'replay') name = 'replay-freeswitch';
      if (opts.drills !== undefined) {
        const drills = Number(opts.drills);
        if (!Number.isInteger(drills) || drills < 1 || drills > 1000) {
          console.error('--drills: an integer from 1 to 1000');
          process.exitCode = 2;
          return;
        }
        process.env.FAILOVER_DRILLS = String(drills);
      }
      if (opts.maxUpdatesPerSecond !== undefined) {
        const rate = Number(opts.maxUpdatesPerSecond);
        if (!(rate > 0 && rate <= 50)) {
          console.error('--max-updates-per-second: a number between 0 (excluded) and 50');
          process.exitCode = 2;
          return;
        }
        process.env.FANOUT_MAX_UPDATES_PER_SECOND = String(rate);
      }
      const names = name === 'all' ? Object.keys(benches).filter((n) => !benches[n]!.byNameOnly) : [name];
      const unknown = names.filter((n) => !benches[n]);
      if (unknown.length > 0) {
        console.error(
          `unknown benchmark "${unknown.join(', ')}"; known: all, ${Object.keys(benches).join(', ')}`,
        );
        process.exitCode = 2;
        return;
      }
      const results: Record<string, unknown> = {};
      for (const n of names) {
        const bench = benches[n]!;
        if (!opts.json) console.log(`bench ${n}: ${bench.description}`);
        results[n] = await bench.run({ quick: Boolean(opts.quick) });
        if (!opts.json) console.log(JSON.stringify(results[n], null, 2));
        const failed = bench.failed?.(results[n] as Record<string, unknown>);
        if (failed) {
          console.error(`bench ${n}: ${failed}`);
          process.exitCode = 1;
        }
      }
      if (opts.json) console.log(JSON.stringify(name === 'all' ? results : results[name]));
    });
}
