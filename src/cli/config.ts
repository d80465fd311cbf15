// `sas-acd config`: check a site configuration file, print the example one.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseSiteConfig } from '../core/config.js';
import { exampleSite } from '../core/example-site.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('site configuration');
  config
    .command('check')
    .description('validate a site configuration (JSON); every bad field is named')
    .argument('<file>', 'the configuration file')
    .action((file: string) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        console.error(`${file}: cannot read a JSON document: ${(err as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const result = parseSiteConfig(raw);
      if (!result.ok) {
        console.error(`${file}: refused, ${result.errors.length} problem(s):`);
        for (const e of result.errors) console.error(`  - ${e}`);
        process.exitCode = 2;
        return;
      }
      const c = result.config;
      console.log(
        `${file}: valid — site ${c.id} (${c.name}), ${c.lines.length} lines, ${c.queues.length} queues, ${c.agents.length} agents`,
      );
    });
  config
    .command('example')
    .description('print the example site configuration (illustrative numbers: see docs/config.md)')
    .action(() => {
      const result = parseSiteConfig(exampleSite);
      if (!result.ok) throw new Error(`the example site is invalid: ${result.errors.join('; ')}`);
      console.log(JSON.stringify(result.config, null, 2));
    });
}
