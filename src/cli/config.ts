// `sas-acd config`: check a site configuration file, print the example one.
import type { Command } from 'commander';

export function registerConfig(_program: Command): void {}
