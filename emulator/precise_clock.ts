/**
 * A sub-millisecond wall clock for the emulator's step timer: `performance.now()` anchored at
 * `performance.timeOrigin`, so readings are epoch milliseconds with fractions.
 *
 * @module
 */
import { type Clock, systemClock } from "../src/runtime/clock.ts";

/** Epoch milliseconds with sub-ms resolution; sleeps with `setTimeout`. */
export const preciseClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) => systemClock.sleep(ms, signal),
};
