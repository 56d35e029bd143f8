import assert from "node:assert/strict";
import { parseFlags, renderHelp, UsageError } from "./flags.ts";

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
