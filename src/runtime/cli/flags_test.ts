import assert from "node:assert/strict";
import { ConfigError, InputError } from "../../core/util/validate.ts";
import { exitCodeForError, parseFlags, renderHelp, UsageError } from "./flags.ts";

const SPECS = {
  file: { type: "string", short: "f", arg: "FILE", description: "Input file" },
  verbose: { type: "boolean", description: "More output" },
} as const;

Deno.test("parseFlags() parses known flags and rejects unknown ones as UsageError", () => {
  const p = parseFlags(["--file", "x.yaml", "--verbose"], SPECS);
  assert.equal(p.values.file, "x.yaml");
  assert.equal(p.values.verbose, true);
  assert.equal(p.help, false);
  assert.equal(parseFlags(["-h"], SPECS).help, true);
  assert.throws(() => parseFlags(["--nope"], SPECS), UsageError);
  assert.throws(() => parseFlags(["--file"], SPECS), /argument missing|requires|missing/i);
  assert.throws(() => parseFlags(["stray"], SPECS), UsageError);
});

Deno.test("renderHelp() lists every flag and --help", () => {
  const text = renderHelp("wva x [flags]", "Does x.", SPECS);
  assert.match(text, /-f, --file FILE\s+Input file/);
  assert.match(text, /--verbose\s+More output/);
  assert.match(text, /-h, --help/);
});

Deno.test("exitCodeForError() prints input and config errors as lines and returns 2", async (t) => {
  const cases: Array<[string, unknown, number, RegExp]> = [
    ["usage", new UsageError("Unknown option '--x'"), 2, /^wva m: Unknown option '--x'\nRun/],
    ["input", new InputError("--seed: expected an integer"), 2, /^wva m: --seed: expected/],
    ["config", new ConfigError(["a: bad", "b: worse"]), 2, /^wva m: a: bad\nwva m: b: worse\n$/],
    ["anything else", new Error("boom"), 1, /^wva m: error: boom\n$/],
  ];
  for (const [name, err, code, printed] of cases) {
    await t.step(name, () => {
      const write = Deno.stderr.writeSync;
      let text = "";
      Deno.stderr.writeSync = (b: Uint8Array) => (text += new TextDecoder().decode(b), b.length);
      try {
        assert.equal(exitCodeForError(err, "m"), code);
      } finally {
        Deno.stderr.writeSync = write;
      }
      assert.match(text, printed);
    });
  }
});
