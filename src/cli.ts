// The `sas-acd` command: one CLI (commander) to which each part of the product adds its subcommands.
import { Command } from 'commander';
import { registerBench } from './cli/bench.js';
import { registerConfig } from './cli/config.js';
import { registerDemo } from './cli/demo.js';
import { registerSimPbx } from './cli/sim-pbx.js';
import { registerSimulate } from './cli/simulate.js';
import { registerReport } from './cli/report.js';
import { registerServe } from './cli/serve.js';
import { registerStaff } from './cli/staff.js';
import { registerTraffic } from './cli/traffic.js';

const program = new Command();
program
  .name('sas-acd')
  .description("Automatic call distributor for the 15 and the Service d'accès aux soins (SAS)")
  .version('0.1.0')
  .showHelpAfterError();

registerConfig(program);
registerBench(program);
registerSimPbx(program);
registerStaff(program);
registerTraffic(program);
registerReport(program);
registerSimulate(program);
registerServe(program);
registerDemo(program);

await program.parseAsync(process.argv);
