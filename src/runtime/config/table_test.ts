import assert from "node:assert/strict";
import { renderHelp } from "../cli/flags.ts";
import {
  camelCase,
  type FlagRow,
  flagSpecs,
  parseCommandLine,
  prefixedEnv,
  switchFlag,
  valueFlag,
} from "./table.ts";

const ROWS: readonly FlagRow[] = [
  valueFlag("max-num-seqs", "maxNumSeqs", "N", "Batch size", { env: "MAX", defaultText: "256" }),
  switchFlag("no-preemption", "preemption", "Reserve", { sets: false }),
  { flag: "tag", kind: "list", arg: "T", description: "Tags" },
  valueFlag("out", undefined, "DIR", "Output directory"),
];

Deno.test("camelCase() and prefixedEnv() name a flag's key and variable", () => {
  assert.equal(camelCase("max-num-seqs"), "maxNumSeqs");
  assert.equal(camelCase("port"), "port");
  assert.equal(prefixedEnv("WVA_EMULATOR_", "max-num-seqs"), "WVA_EMULATOR_MAX_NUM_SEQS");
});

Deno.test("flagSpecs() turns rows into parser specs; help shows the variable", () => {
  const specs = flagSpecs(ROWS);
  assert.deepEqual(specs["no-preemption"], { type: "boolean", description: "Reserve" });
  assert.deepEqual(specs["tag"], { type: "string", multiple: true, arg: "T", description: "Tags" });
  assert.equal(ROWS.at(-1)!.path, undefined, "a flag the mode reads itself has no path");
  const help = renderHelp("x [flags]", "Does x.", specs);
  assert.match(help, /--max-num-seqs N\s+Batch size \[MAX\] \(default: 256\)/);
});

Deno.test("parseCommandLine() returns the values, or undefined after printing --help", () => {
  const help = { usage: "x", summary: "Does x." };
  assert.deepEqual(parseCommandLine(["--max-num-seqs", "4", "--tag", "a"], ROWS, help), {
    "max-num-seqs": "4",
    tag: ["a"],
  });
  const write = Deno.stdout.writeSync;
  let printed = "";
  Deno.stdout.writeSync = (b: Uint8Array) => (printed += new TextDecoder().decode(b), b.length);
  try {
    assert.equal(parseCommandLine(["--help"], ROWS, help), undefined);
  } finally {
    Deno.stdout.writeSync = write;
  }
  assert.match(printed, /^Usage: x/);
});
