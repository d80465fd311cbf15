// Runs `sas-acd …` inside the test process: the same commander program (only the commands under test
// registered), with stdout, stderr and the exit code captured. A CLI spawn compiles the whole CLI
// through tsx (seconds each on a busy machine), so tests keep one spawn per command, to prove it
// works as a user runs it, and check the other cases here.
import { format } from 'node:util';
import { Command, CommanderError } from 'commander';
import { vi } from 'vitest';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Thrown by the stubbed process.exit, so the command stops there as it would in its own process. */
class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

export async function runCliInProcess(
  register: (program: Command) => void,
  args: readonly string[],
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const program = new Command()
    .name('sas-acd')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => (stdout += s),
      writeErr: (s) => (stderr += s),
    });
  // Registered after the settings above, so the subcommands inherit the captured output.
  register(program);
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    stdout += `${format(...a)}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    stderr += `${format(...a)}\n`;
  });
  const exit = vi.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
    throw new ExitCalled(Number(code ?? 0));
  });
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  let status: number;
  try {
    await program.parseAsync(['node', 'sas-acd', ...args]);
    status = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof ExitCalled) status = e.code;
    else if (e instanceof CommanderError) status = e.exitCode;
    else throw e;
  } finally {
    process.exitCode = exitCodeBefore;
    log.mockRestore();
    error.mockRestore();
    exit.mockRestore();
  }
  return { status, stdout, stderr };
}
