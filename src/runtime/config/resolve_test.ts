import assert from "node:assert/strict";
import { z } from "zod";
import {
  booleanSchema,
  durationMsSchema,
  numberSchema,
  parseNumber,
} from "../../core/util/coerce.ts";
import { ConfigError } from "../../core/util/validate.ts";
import { parseFlags, UsageError } from "../cli/flags.ts";
import { type ConfigInputs, type ConfigSpec, resolveConfig } from "./resolve.ts";
import { type FlagRow, flagSpecs } from "./table.ts";

const Schema = z.strictObject({
  url: z.string().min(1),
  port: numberSchema(z.number().int().min(0)).default(8000),
  mode: z.enum(["fast", "slow"]).default("fast"),
  verbose: booleanSchema({ loose: true }).default(false),
  seed: z.number().int().default(0),
  tags: z.array(z.string()).default([]),
  nested: z.strictObject({
    delayMs: durationMsSchema({ syntax: { units: ["ms", "s"] }, examples: "5s" }).default(1000),
  }).prefault({}),
});

const ROWS: readonly FlagRow[] = [
  { flag: "config", arg: "FILE", description: "Config file" },
  { flag: "url", path: "url", env: "APP_URL", description: "Base URL" },
  { flag: "port", path: "port", env: "APP_PORT", description: "Port" },
  { flag: "mode", path: "mode", description: "Mode" },
  { flag: "verbose", kind: "switch", path: "verbose", env: "APP_VERBOSE", description: "Loud" },
  { flag: "quiet", kind: "switch", path: "verbose", sets: false, description: "Not loud" },
  {
    flag: "seed",
    path: "seed",
    read: (text, what) => parseNumber(text, "integer", what),
    description: "Seed",
  },
  { flag: "tag", kind: "list", path: "tags", description: "Tags" },
  { flag: "delay", path: "nested.delayMs", env: "APP_DELAY", description: "Delay" },
  { flag: "out", description: "Not a config field" },
];

const SPEC: ConfigSpec<typeof Schema> = {
  schema: Schema,
  flags: ROWS,
  source: "app config",
  fileFlag: "config",
};

function resolve(argv: string[], rest: Omit<ConfigInputs, "flags"> = {}) {
  return resolveConfig(SPEC, { flags: parseFlags(argv, flagSpecs(ROWS)).values, ...rest });
}

function problems(argv: string[], rest: Omit<ConfigInputs, "flags"> = {}): readonly string[] {
  try {
    resolve(argv, rest);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  assert.fail("expected a ConfigError");
}

const file = (content: unknown) => ({ name: "app.yaml", content });

Deno.test("resolveConfig(): flags override env override file override defaults", async (t) => {
  const cases: Array<{
    name: string;
    argv: string[];
    env?: Record<string, string>;
    file?: unknown;
    want: Record<string, unknown>;
  }> = [
    { name: "defaults", argv: ["--url", "u"], want: { port: 8000, verbose: false } },
    { name: "file over defaults", argv: ["--url", "u"], file: { port: 1 }, want: { port: 1 } },
    {
      name: "env over file",
      argv: ["--url", "u"],
      env: { APP_PORT: "2" },
      file: { port: 1 },
      want: { port: 2 },
    },
    {
      name: "flag over env over file",
      argv: ["--port", "3"],
      env: { APP_PORT: "2", APP_URL: "env-url" },
      file: { port: 1, url: "file-url" },
      want: { port: 3, url: "env-url" },
    },
    {
      name: "nested paths merge with the file's other keys",
      argv: ["--url", "u", "--delay", "2s"],
      file: { nested: { delayMs: 5 } },
      want: { nested: { delayMs: 2000 } },
    },
    {
      name: "an empty variable counts as unset",
      argv: ["--url", "u"],
      env: { APP_PORT: "" },
      file: { port: 1 },
      want: { port: 1 },
    },
    {
      name: "switches: a flag's value, a variable read as a boolean",
      argv: ["--url", "u"],
      env: { APP_VERBOSE: "yes" },
      want: { verbose: true },
    },
    {
      name: "a switch that writes false",
      argv: ["--url", "u", "--quiet"],
      want: { verbose: false },
    },
    {
      name: "read() and lists",
      argv: ["--url", "u", "--seed", "7", "--tag", "a", "--tag", "b"],
      want: { seed: 7, tags: ["a", "b"] },
    },
    { name: "a flag without a path sets nothing", argv: ["--url", "u", "--out", "x"], want: {} },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = resolve(c.argv, {
        ...(c.env ? { env: c.env } : {}),
        ...(c.file ? { file: file(c.file) } : {}),
      }) as Record<string, unknown>;
      for (const [key, value] of Object.entries(c.want)) assert.deepEqual(got[key], value, key);
      assert.ok(Object.isFrozen(got));
    });
  }
});

Deno.test("resolveConfig(): each problem is one line naming the flag, variable or field", async (t) => {
  const cases: Array<{
    name: string;
    argv: string[];
    env?: Record<string, string>;
    file?: unknown;
    want: string[];
  }> = [
    {
      name: "bad flag value (path left out: the flag is named like the field)",
      argv: ["--url", "u", "--port", "abc"],
      want: ['--port: Invalid input: expected number, received string (got "abc")'],
    },
    {
      name: "bad flag value on a nested field",
      argv: ["--url", "u", "--delay", "soon"],
      want: ['--delay: nested.delayMs: expected a duration such as 5s (got "soon")'],
    },
    {
      name: "bad variable",
      argv: ["--url", "u"],
      env: { APP_PORT: "-1" },
      want: ['APP_PORT: port: Too small: expected number to be >=0 (got "-1")'],
    },
    {
      name: "bad file value",
      argv: ["--url", "u"],
      file: { mode: "warp" },
      want: ['app.yaml: mode: Invalid option: expected one of "fast"|"slow" (got "warp")'],
    },
    {
      name: "a file with an unknown key",
      argv: ["--url", "u"],
      file: { prot: 1 },
      want: ['app.yaml: (root): Unrecognized key: "prot"'],
    },
    {
      name: "a file that is not a mapping",
      argv: ["--url", "u"],
      file: [1, 2],
      want: ["app.yaml: must hold a mapping of settings (got [1,2])"],
    },
    {
      name: "a missing required field names its flag",
      argv: [],
      want: ["--url: Invalid input: expected string, received undefined (missing)"],
    },
    {
      name: "text read() refuses",
      argv: ["--url", "u", "--seed", "x"],
      want: ['--seed: expected an integer, got "x"'],
    },
    {
      name: "a variable that is not a boolean",
      argv: ["--url", "u"],
      env: { APP_VERBOSE: "maybe" },
      want: ['APP_VERBOSE: expected true or false (got "maybe")'],
    },
    {
      name: "two flags for one field",
      argv: ["--url", "u", "--verbose", "--quiet"],
      want: ["--verbose and --quiet cannot be combined"],
    },
    {
      name: "every problem at once",
      argv: ["--port", "x", "--seed", "y"],
      file: { extra: true },
      want: [
        '--seed: expected an integer, got "y"',
        'app.yaml: (root): Unrecognized key: "extra"',
        "--url: Invalid input: expected string, received undefined (missing)",
        '--port: Invalid input: expected number, received string (got "x")',
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = problems(c.argv, {
        ...(c.env ? { env: c.env } : {}),
        ...(c.file !== undefined ? { file: file(c.file) } : {}),
      });
      assert.deepEqual([...got].sort(), [...c.want].sort());
    });
  }
});

Deno.test("resolveConfig(): an overridden bad value is no problem; envPrefix names variables", () => {
  const c = resolve(["--url", "u", "--port", "9"], { env: { APP_PORT: "bad" } });
  assert.equal(c.port, 9);
  const prefixed: ConfigSpec<typeof Schema> = { ...SPEC, envPrefix: "APP_" };
  const rows = prefixed.flags.filter((r) => r.flag === "mode");
  const got = resolveConfig({ ...prefixed, flags: rows }, {
    flags: {},
    env: { APP_MODE: "slow" },
    file: file({ url: "u" }),
  });
  assert.equal(got.mode, "slow");
});

Deno.test("parseFlags() over a table: an unknown flag is a UsageError naming it", () => {
  assert.throws(
    () => parseFlags(["--prot", "1"], flagSpecs(ROWS)),
    (e: unknown) => e instanceof UsageError && /--prot/.test(e.message),
  );
});
