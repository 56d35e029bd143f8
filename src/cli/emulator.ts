/**
 * `wva emulator` (placeholder until its issue lands).
 *
 * @module
 */
import { parseFlags, renderHelp, writeErr, writeOut } from "./flags.ts";

/** Entry point of `wva emulator`; returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {});
  if (flags.help) {
    writeOut(renderHelp("wva emulator [flags]", "This mode is being built.", {}));
    return Promise.resolve(0);
  }
  writeErr("wva emulator: not available yet\n");
  return Promise.resolve(1);
}
