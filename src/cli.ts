// The `sas-acd` command: one CLI (commander) to which each part of the product adds its subcommands.
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each top-level command and the module that registers it, imported only when needed: loading every
 * module (the server, the benchmarks, the twin…) cost each `sas-acd sim-pbx` about 3 CPU s through
 * tsx for code it never runs, and the replay starts such children for each run.
 */
const modules: Record<string, () => Promise<Register>> = {
  config: async () => (await import('./cli/config.js')).registerConfig,
  bench: async () => (await import('./cli/bench.js')).registerBench,
  'sim-pbx': async () => (await import('./cli/sim-pbx.js')).registerSimPbx,
  staff: async () => (await import('./cli/staff.js')).registerStaff,
  traffic: async () => (await import('./cli/traffic.js')).registerTraffic,
  report: async () => (await import('./cli/report.js')).registerReport,
  simulate: async () => (await import('./cli/simulate.js')).registerSimulate,
  serve: async () => (await import('./cli/serve.js')).registerServe,
  users: async () => (await import('./cli/serve.js')).registerServe,
  demo: async () => (await import('./cli/demo.js')).registerDemo,
};

const program = new Command();
program
  .name('sas-acd')
  .description("Automatic call distributor for the 15 and the Service d'accès aux soins (SAS)")
  .version('0.1.0')
  .showHelpAfterError();

// A known command first: its module alone. Anything else (help, --version, a typo): every command,
// in the order above, so that the help lists them all and commander can suggest the nearest name.
const named = process.argv[2];
const wanted =
  named !== undefined && Object.hasOwn(modules, named) ? [modules[named]!] : Object.values(modules);
const registered = new Set<Register>();
for (const load of wanted) {
  const register = await load();
  if (registered.has(register)) continue; // serve and users: one module
  registered.add(register);
  register(program);
}

await program.parseAsync(process.argv);
