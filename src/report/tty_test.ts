import assert from "node:assert/strict";
import { createLiveView, startLiveView } from "./tty.ts";

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
