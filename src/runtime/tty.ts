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
  /**
   * TTY mode: lines are cut to this width so wrapping cannot break the redraw. Used as given.
   * @default {@linkcode terminalColumns}() (the terminal's width, or a fallback when it reports none)
   */
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

/** Width assumed when the terminal reports none, or one too small to be real. */
export const FALLBACK_COLUMNS = 120;

/**
 * Reported widths below this are not trusted. Some pseudo-terminals report 0 or a few columns
 * (e.g. under `script` without a controlling terminal, or a pty nobody sized), which would cut
 * every line to "…"; no live view is readable that narrow anyway.
 */
export const MIN_COLUMNS = 40;

/**
 * The width of the terminal in columns: what `consoleSize()` reports, or
 * {@linkcode FALLBACK_COLUMNS} when it throws (not a terminal) or reports less than
 * {@linkcode MIN_COLUMNS} or a non-number. Every live view that is not given `columns` uses it.
 *
 * @param consoleSize where the size comes from (tests pass a stub). @default Deno.consoleSize
 */
export function terminalColumns(
  consoleSize: () => { readonly columns: number } = () => Deno.consoleSize(),
): number {
  let columns: number;
  try {
    columns = consoleSize().columns;
  } catch {
    return FALLBACK_COLUMNS;
  }
  return Number.isFinite(columns) && columns >= MIN_COLUMNS
    ? Math.floor(columns)
    : FALLBACK_COLUMNS;
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
  const columns = options.columns ?? (isTty ? terminalColumns() : Infinity);
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
