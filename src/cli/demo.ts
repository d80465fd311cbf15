// `sas-acd demo`: the whole system on an embedded default. Not available yet (see README).
import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the full system with bot agents and generated traffic (not yet available)')
    .action(() => {
      console.error(
        'sas-acd demo: not yet available. The demo lands with the telephony and API issues; see README.md.',
      );
      process.exitCode = 2;
    });
}
