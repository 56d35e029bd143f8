/**
 * A live status block for long-running commands. On a terminal it redraws a few lines in place
 * (cursor up, clear, rewrite); when output is a pipe or a CI log it prints the same lines as
 * plain text at most every `plainIntervalMs`, so logs stay readable and small.
 *
 * @module
 */

/** Options of {@linkcode createLiveView}. */
export interface LiveViewOptions {
  /** Where text goes. @default a synchronous writer to stderr */
  readonly write?: (text: string) => void;
  /** Redraw in place? @default `Deno.stderr.isTerminal()` */
  readonly isTty?: boolean;
  /** Plain mode: least time between two printed updates (ms). @default 10000 */
  readonly plainIntervalMs?: number;
  /** Clock for the plain-mode throttle (ms). @default Date.now */
  readonly nowMs?: () => number;
  /** TTY mode: lines are cut to this width so wrapping cannot break the redraw. @default terminal width */
  readonly columns?: number;
}

/** A live block of lines. */
export interface LiveView {
  readonly isTty: boolean;
  /** Replaces the block (TTY) or prints it if the throttle allows (plain). */
  update(lines: readonly string[]): void;
  /** Prints a line that stays: above the block on a TTY, in sequence otherwise. */
  log(line: string): void;
  /** Removes the block (TTY) and prints `finalLines`. Later calls do nothing. */
  close(finalLines?: readonly string[]): void;
}

const ESC = "\x1b[";

function stderrWriter(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text));
}

function detectTty(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

function detectColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 120;
  }
}

/**
 * Creates a live view.
 *
 * @example
 * ```ts
 * import { createLiveView } from "./tty.ts";
 * let out = "";
 * const view = createLiveView({ isTty: false, write: (t) => (out += t), nowMs: () => 0 });
 * view.update(["50% done"]);
 * view.close(["finished"]);
 * if (out !== "50% done\nfinished\n") throw new Error(JSON.stringify(out));
 * ```
 */
export function createLiveView(options: LiveViewOptions = {}): LiveView {
  const write = options.write ?? stderrWriter;
  const isTty = options.isTty ?? detectTty();
  const interval = options.plainIntervalMs ?? 10_000;
  const nowMs = options.nowMs ?? Date.now;
  const columns = options.columns ?? (isTty ? detectColumns() : Infinity);
  let shown = 0;
  let lastPlainMs = -Infinity;
  let current: readonly string[] = [];
  let closed = false;

  const fit = (line: string): string =>
    line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 2)) + "…" : line;
  const erase = (): string => (shown > 0 ? `${ESC}${shown}F${ESC}0J` : "");
  const draw = (lines: readonly string[]): string => {
    shown = lines.length;
    return lines.map((l) => fit(l) + "\n").join("");
  };

  return {
    isTty,
    update(lines) {
      if (closed) return;
      current = lines;
      if (isTty) {
        write((shown === 0 ? `${ESC}?25l` : "") + erase() + draw(lines));
        return;
      }
      const now = nowMs();
      if (now - lastPlainMs < interval) return;
      lastPlainMs = now;
      write(lines.map((l) => l + "\n").join(""));
    },
    log(line) {
      if (closed || !isTty) {
        write(line + "\n");
        return;
      }
      write(erase() + line + "\n" + draw(current));
    },
    close(finalLines = []) {
      if (closed) return;
      closed = true;
      const tail = finalLines.map((l) => l + "\n").join("");
      write(isTty ? erase() + tail + `${ESC}?25h` : tail);
      shown = 0;
    },
  };
}

/** A live view refreshed from a render function on a timer. */
export interface PolledLiveView {
  readonly view: LiveView;
  /** Stops the timer, closes the view and prints `finalLines`. */
  stop(finalLines?: readonly string[]): void;
}

/**
 * Calls `render()` every `intervalMs` (default 250 ms on a TTY, the plain interval otherwise)
 * and shows its lines; the first frame is drawn at once.
 */
export function startLiveView(
  render: () => readonly string[],
  options: LiveViewOptions & { readonly intervalMs?: number } = {},
): PolledLiveView {
  const view = createLiveView(options);
  const every = options.intervalMs ?? (view.isTty ? 250 : options.plainIntervalMs ?? 10_000);
  view.update(render());
  const timer = setInterval(() => view.update(render()), every);
  return {
    view,
    stop(finalLines) {
      clearInterval(timer);
      view.close(finalLines);
    },
  };
}
