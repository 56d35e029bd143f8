/**
 * Shared helpers of the emulator's HTTP tests: start/stop an emulator around a test body, and
 * read an SSE response into timestamped events.
 *
 * @module
 */
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator/mod.ts";

/** Runs `fn` against a fresh emulator on a free loopback port and always stops it. */
export async function withEmulator(
  options: EmulatorOptions,
  fn: (emu: EmulatorHandle) => Promise<void>,
): Promise<void> {
  const emu = await startEmulator({ port: 0, ...options });
  try {
    await fn(emu);
  } finally {
    await emu.stop();
  }
}

/** One SSE `data:` payload and when it arrived (performance.now ms). */
export interface SseEvent {
  readonly data: string;
  readonly atMs: number;
}

/** Reads a whole SSE body; `onEvent` may return true to stop reading (and cancel). */
export async function readSse(
  res: Response,
  onEvent?: (e: SseEvent, all: readonly SseEvent[]) => boolean | void,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = performance.now();
    buf += value;
    let idx: number;
    while ((idx = buf.indexOf("\n\n")) >= 0) {
      const frame = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      if (!frame.startsWith("data: ")) continue;
      const ev = { data: frame.slice(6), atMs: now };
      events.push(ev);
      if (onEvent?.(ev, events)) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}

/** POSTs JSON to `url` and returns the response. */
export function postJson(
  url: string,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/** Value of one sample in Prometheus text (first line that starts with `series`), or undefined. */
export function sampleValue(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(series + " ")) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** Resolves after `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `promtool check metrics` on exposition text: exit code and every problem line. */
export async function promtool(text: string): Promise<{ code: number; problems: string[] }> {
  const child = new Deno.Command("promtool", {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const lines = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, problems: lines.split("\n").filter((l) => l.trim() !== "") };
}

/** A base port with `n` consecutive ports that were free a moment ago (bound, then closed). */
export function freePortRun(n: number): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const listeners: Deno.Listener[] = [];
    try {
      const first = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      listeners.push(first);
      const base = (first.addr as Deno.NetAddr).port;
      if (base + n - 1 > 65535) continue;
      for (let i = 1; i < n; i++) {
        listeners.push(Deno.listen({ hostname: "127.0.0.1", port: base + i }));
      }
      return base;
    } catch {
      // one of the next ports is taken: try another base
    } finally {
      for (const l of listeners) l.close();
    }
  }
  throw new Error(`no run of ${n} free ports found`);
}

/** Starts `wva emulator ARGS` in its own process (stderr piped for its JSON log). */
export function spawnEmulatorCli(args: readonly string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "emulator", ...args],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Kills a child process if it still runs, waits for it, and drops its unread stderr. */
export async function reap(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch { /* exited */ }
  await child.status;
  await child.stderr.cancel().catch(() => {});
}
