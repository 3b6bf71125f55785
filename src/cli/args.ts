import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad command-line input: printed with the usage, without a stack trace, exit code 2. */
export class UsageError extends Error {}

/** An integer flag in [min, max]; `fallback` when absent, or a UsageError if it is required. */
export function intFlag(name: string, raw: string | undefined, min: number, max: number, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** node:util parseArgs, strict, with its errors turned into UsageErrors. */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Runs a CLI's main: a UsageError prints `name: message` and the usage and
 * exits 2; an operating-system error (EADDRINUSE, ENOENT...) prints its
 * message, any other error its stack, and exits 1.
 */
export async function runCli(name: string, usage: string, main: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\n\n${usage}\n`);
      process.exitCode = 2;
    } else {
      // An operating-system error (a busy port, a missing file) is said in one line; a bug keeps its stack.
      const systemError = error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!);
      process.stderr.write(`${name}: ${error instanceof Error ? (systemError ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
