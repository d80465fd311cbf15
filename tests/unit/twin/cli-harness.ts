// Runs `sas-acd simulate …` with only the simulate command registered, until src/cli.ts registers
// it: `node --import tsx tests/unit/twin/cli-harness.ts simulate twin …`.
import { Command } from 'commander';
import { registerSimulate } from '../../../src/cli/simulate.js';

const program = new Command().name('sas-acd').showHelpAfterError();
registerSimulate(program);
await program.parseAsync(process.argv);
