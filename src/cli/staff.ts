// `sas-acd staff`: Erlang C / Erlang A staffing calculator.
import type { Command } from 'commander';

export function registerStaff(_program: Command): void {
  // Registered by the staffing work (issue 12).
}
