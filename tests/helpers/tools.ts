/**
 * Optional-tool probes for tests. {@linkcode hasBinary} answers "is this binary here?" by looking
 * it up on `PATH` without spawning it, so a missing tool never throws (spawning a missing binary
 * throws synchronously, which once crashed a whole test module). {@linkcode toolGate} turns the
 * answer into a `Deno.test` `ignore` flag whose name carries the reason, except under `CI=true`,
 * where the README's test command is meant to have installed every tool: there the test runs and
 * fails with the missing tool's name, so a missing install step shows up red, not as a skip.
 *
 * @module
 */

/**
 * True when `name` is an executable file: a path (contains `/`) is checked as is, a bare name is
 * looked up in each directory of `pathList` (the `PATH` format, `:`-separated). Never throws.
 *
 * @example
 * ```ts
 * import { hasBinary } from "./tools.ts";
 * if (!hasBinary("shellcheck")) console.log("shellcheck is not installed");
 * ```
 */
export function hasBinary(name: string, pathList: string = Deno.env.get("PATH") ?? ""): boolean {
  if (name === "") return false;
  const candidates = name.includes("/")
    ? [name]
    : pathList.split(":").filter((d) => d !== "").map((d) => `${d}/${name}`);
  return candidates.some(isExecutableFile);
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** True when skips are failures: `CI=true` (set by `.ci/run`). */
export const STRICT_SKIPS: boolean = (Deno.env.get("CI") ?? "").toLowerCase() === "true";

/** What {@linkcode toolGate} returns: spread into `Deno.test({...})`, and call `check()` first. */
export interface ToolGate {
  /** The test name, with "(skipped: …)" appended when the test is ignored. */
  readonly name: string;
  /** Skip the test (never under `CI=true`). */
  readonly ignore: boolean;
  /** Throws, naming the missing tools, when they are missing under `CI=true`. */
  check(): void;
}

/**
 * Gate a test on binaries being installed. Missing tools skip the test with the reason in its
 * name (`how` says how to install them); under `CI=true` the test runs and `check()` fails it.
 *
 * @example
 * ```ts
 * import { toolGate } from "./tools.ts";
 * const gate = toolGate("scripts are shellcheck-clean", ["shellcheck"], "apt-get install shellcheck");
 * Deno.test({ name: gate.name, ignore: gate.ignore }, () => {
 *   gate.check();
 * });
 * ```
 */
export function toolGate(
  name: string,
  tools: readonly string[],
  how: string,
  options: { readonly strict?: boolean; readonly pathList?: string } = {},
): ToolGate {
  const missing = tools.filter((t) => !hasBinary(t, options.pathList));
  const strict = options.strict ?? STRICT_SKIPS;
  const reason = `${missing.join(", ")} not installed (${how})`;
  return {
    name: missing.length === 0 || strict ? name : `${name} (skipped: ${reason})`,
    ignore: missing.length > 0 && !strict,
    check() {
      if (missing.length > 0) {
        throw new Error(`CI=true but ${reason}: the README's test command must install it`);
      }
    },
  };
}

/**
 * Gate a test on an environment switch that skips it on purpose (e.g. `WVA_SKIP_CLUSTER=1`).
 * Under `CI=true` the switch is refused: the test runs and `check()` fails it.
 */
export function envSkipGate(
  name: string,
  skipVar: string,
  options: { readonly strict?: boolean; readonly env?: (k: string) => string | undefined } = {},
): ToolGate {
  const env = options.env ?? ((k: string) => Deno.env.get(k));
  const skip = env(skipVar) === "1";
  const strict = options.strict ?? STRICT_SKIPS;
  return {
    name: skip && !strict ? `${name} (skipped: ${skipVar}=1)` : name,
    ignore: skip && !strict,
    check() {
      if (skip && strict) throw new Error(`CI=true refuses ${skipVar}=1: this test must run in CI`);
    },
  };
}
