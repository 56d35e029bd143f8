import assert from "node:assert/strict";
import {
  createLiveView,
  FALLBACK_COLUMNS,
  MIN_COLUMNS,
  startLiveView,
  terminalColumns,
} from "./tty.ts";

Deno.test("createLiveView() on a TTY redraws in place and restores the cursor", () => {
  let out = "";
  const view = createLiveView({ isTty: true, write: (t) => (out += t), columns: 20 });
  view.update(["one", "two"]);
  view.update(["three"]);
  view.log("kept line");
  view.close(["done"]);
  assert.equal(
    out,
    "\x1b[?25l" + "one\ntwo\n" + "\x1b[2F\x1b[0J" + "three\n" + "\x1b[1F\x1b[0J" +
      "kept line\nthree\n" +
      "\x1b[1F\x1b[0J" + "done\n" + "\x1b[?25h",
  );
});

Deno.test("createLiveView() on a TTY cuts long lines to the terminal width", () => {
  let out = "";
  const view = createLiveView({ isTty: true, write: (t) => (out += t), columns: 10 });
  view.update(["0123456789abcdef"]);
  assert.match(out, /01234567…\n$/);
});

Deno.test("terminalColumns() trusts a plausible width and falls back otherwise", async (t) => {
  const cases: [string, () => { columns: number }, number][] = [
    ["a normal terminal", () => ({ columns: 100 }), 100],
    ["exactly the minimum", () => ({ columns: MIN_COLUMNS }), MIN_COLUMNS],
    ["a zero width (e.g. under `script`)", () => ({ columns: 0 }), FALLBACK_COLUMNS],
    ["a near-zero width", () => ({ columns: 3 }), FALLBACK_COLUMNS],
    ["just below the minimum", () => ({ columns: MIN_COLUMNS - 1 }), FALLBACK_COLUMNS],
    ["not a number", () => ({ columns: Number.NaN }), FALLBACK_COLUMNS],
    [
      "no terminal (consoleSize throws)",
      () => {
        throw new Error("not a terminal");
      },
      FALLBACK_COLUMNS,
    ],
  ];
  for (const [name, size, want] of cases) {
    await t.step(name, () => assert.equal(terminalColumns(size), want));
  }
});

Deno.test("createLiveView() on a TTY without `columns` uses the terminal width or the fallback", () => {
  // Whatever the terminal running the tests reports, the width is at least MIN_COLUMNS.
  let out = "";
  const view = createLiveView({ isTty: true, write: (t) => (out += t) });
  const line = "x".repeat(MIN_COLUMNS - 2);
  view.update([line]);
  assert.ok(out.includes(line + "\n"), JSON.stringify(out));
});

Deno.test("createLiveView() without a TTY prints plain lines at most every interval", () => {
  let out = "";
  let now = 0;
  const view = createLiveView({
    isTty: false,
    write: (t) => (out += t),
    nowMs: () => now,
    plainIntervalMs: 1000,
  });
  view.update(["a"]);
  now = 500;
  view.update(["b"]);
  now = 1000;
  view.update(["c"]);
  view.log("note");
  view.close(["end"]);
  view.close(["again"]);
  assert.equal(out, "a\nc\nnote\nend\n");
});

Deno.test("startLiveView() renders at once and stops its timer", () => {
  let out = "";
  const live = startLiveView(() => ["frame"], {
    isTty: false,
    write: (t) => (out += t),
    intervalMs: 10,
  });
  live.stop(["bye"]);
  assert.equal(out, "frame\nbye\n");
});

const SCRIPT = "/usr/bin/script";
const HAS_SCRIPT = (() => {
  try {
    return Deno.statSync(SCRIPT).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "createLiveView() under `script` (a pty that reports 0 columns) does not cut lines",
  ignore: !HAS_SCRIPT,
}, async () => {
  const tty = new URL("./tty.ts", import.meta.url).href;
  const line = "y".repeat(100);
  const code = `import { createLiveView } from "${tty}";` +
    `const v = createLiveView(); v.update(["${line}"]); v.close();`;
  const out = await new Deno.Command(SCRIPT, {
    args: ["-qec", `${Deno.execPath()} eval --no-config '${code}'`, "/dev/null"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
  assert.ok(text.includes("\x1b[?25l"), `the view did not detect the pty: ${JSON.stringify(text)}`);
  assert.ok(text.includes(line), `the line was cut: ${JSON.stringify(text)}`);
});
