/**
 * Follows the HPA controller's decisions in kube-controller-manager's log (klog text format, the
 * HPA controller at `--vmodule=horizontal=4`, as scripts/testcluster.sh runs it), one record per
 * sync of an HPA: when it synced, the raw proposal (max over metrics) and the replica count it
 * left. The controller writes no status when nothing changed, so its log is the only place that
 * shows every sync; a test uses it to act right after each sync and to replay a model at the
 * controller's own sync times.
 *
 * Lines used (kube-controller-manager v1.36, horizontal.go): `"Proposing desired replicas"
 * desiredReplicas=N … scaleTarget="Deployment/<ns>/<name>"`, then either `"Decided not to scale"
 * scaleTarget=… desiredReplicas=N` or `"Successfully rescaled" HPA="<ns>/<hpa>" …
 * desiredReplicas=N`. A sync that fails before proposing is not logged at this level.
 *
 * @module
 */

/** One sync of one HPA as the controller logged it. */
export interface LoggedSync {
  /** The scale target, `Deployment/<ns>/<name>`. */
  readonly target: string;
  /** klog's time of day of the sync's first line, `HH:MM:SS.ffffff` (UTC). */
  readonly time: string;
  /** The same as milliseconds since midnight (UTC). */
  readonly dayMs: number;
  /**
   * "Proposing desired replicas": the max over metric proposals; undefined when the sync read no
   * metric (scaling disabled at 0 replicas, or a min/max clamp).
   */
  readonly proposed?: number;
  /** The replica count after the sync. */
  readonly replicas: number;
  readonly rescaled: boolean;
}

const HEADER = /^[IWE]\d{4} (\d\d):(\d\d):(\d\d\.\d+)\s+\d+ \S+\] "([^"]+)"(.*)$/;

function field(rest: string, key: string): string | undefined {
  const m = new RegExp(`(?:^| )${key}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(rest);
  if (!m) return undefined;
  const v = m[1]!;
  return v.startsWith('"') ? v.slice(1, -1) : v;
}

/**
 * Turns log lines into completed syncs: a sync ends with "Decided not to scale" or
 * "Successfully rescaled", after a "Proposing desired replicas" line when it read metrics.
 * `targetOf` maps an HPA (`<ns>/<name>`) to its scale target, because the rescale line names the
 * HPA only.
 *
 * @example
 * ```ts
 * import { HpaSyncAssembler } from "./kcm_hpa_log.ts";
 * const a = new HpaSyncAssembler(() => "Deployment/ns/a");
 * a.push('I0101 10:00:00.100000 1 horizontal.go:1] "Proposing desired replicas" desiredReplicas=3 scaleTarget="Deployment/ns/a"');
 * const [s] = a.push('I0101 10:00:00.200000 1 horizontal.go:2] "Successfully rescaled" HPA="ns/keda-hpa-a" currentReplicas=1 desiredReplicas=3');
 * if (s?.replicas !== 3 || s.proposed !== 3 || s.dayMs !== 36_000_100) throw new Error("bad");
 * ```
 */
export class HpaSyncAssembler {
  readonly #pending = new Map<string, { time: string; dayMs: number; proposed: number }>();
  readonly #targetOf: (hpa: string) => string | undefined;

  constructor(targetOf: (hpa: string) => string | undefined) {
    this.#targetOf = targetOf;
  }

  /** Feeds one line; returns the syncs it completed (zero or one). */
  push(line: string): LoggedSync[] {
    const m = HEADER.exec(line);
    if (!m) return [];
    const [, hh, mm, ss, msg, rest] = m as unknown as string[];
    const time = `${hh}:${mm}:${ss}`;
    const dayMs = Math.round(((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000);
    const desired = Number(field(rest!, "desiredReplicas"));
    if (msg!.startsWith("Proposing desired replicas")) {
      const target = field(rest!, "scaleTarget");
      if (target) this.#pending.set(target, { time, dayMs, proposed: desired });
      return [];
    }
    const rescaled = msg === "Successfully rescaled";
    if (!rescaled && msg !== "Decided not to scale") return [];
    const hpa = field(rest!, "HPA");
    const target = rescaled ? (hpa && this.#targetOf(hpa)) : field(rest!, "scaleTarget");
    if (!target) return [];
    const p = this.#pending.get(target) ?? { time, dayMs };
    this.#pending.delete(target);
    return [{ target, ...p, replicas: desired, rescaled }];
  }
}

/** A running log follower. */
export interface LogFollower {
  /** Stops following (resolves once the last read is done). */
  stop(): Promise<void>;
}

/**
 * Calls `onLine` for every line appended to `path` from now on, polling every `intervalMs`.
 */
export function followLog(
  path: string,
  onLine: (line: string) => void,
  intervalMs = 50,
): LogFollower {
  let offset = Deno.statSync(path).size;
  let partial = "";
  let stopped = false;
  const dec = new TextDecoder();
  const loop = (async () => {
    while (!stopped) {
      const size = (await Deno.stat(path)).size;
      if (size > offset) {
        using f = await Deno.open(path);
        await f.seek(offset, Deno.SeekMode.Start);
        const buf = new Uint8Array(size - offset);
        let got = 0;
        while (got < buf.length) {
          const n = await f.read(buf.subarray(got));
          if (n === null) break;
          got += n;
        }
        offset += got;
        const lines = (partial + dec.decode(buf.subarray(0, got))).split("\n");
        partial = lines.pop() ?? "";
        for (const l of lines) onLine(l);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
