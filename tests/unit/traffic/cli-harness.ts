// Runs `sas-acd traffic …` with only the traffic commands registered, until src/cli.ts registers
// them: `node --import tsx tests/unit/traffic/cli-harness.ts traffic generate …`.
import { Command } from 'commander';
import { registerTraffic } from '../../../src/cli/traffic.js';

const program = new Command().name('sas-acd').showHelpAfterError();
registerTraffic(program);
await program.parseAsync(process.argv);
