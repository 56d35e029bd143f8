/**
 * Seeded pseudo-random numbers for every place that needs randomness (emulator jitter and output
 * lengths, load-generator arrivals). Same seed, same sequence, on every machine.
 *
 * The generator is sfc32 seeded through splitmix32: fast, 128-bit state, good statistical quality
 * for simulation (not for cryptography).
 *
 * @module
 */

/** A seeded random source. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** Uniform real in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number;
  /** Gamma with shape k and scale theta (Marsaglia–Tsang); mean k·theta. */
  gamma(shape: number, scale: number): number;
  /** An independent generator derived from this one (for per-component streams). */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator.
 *
 * @param seed any finite number; non-integers are hashed through their 32-bit truncation.
 * @example
 * ```ts
 * import { createRng } from "./rng.ts";
 * const a = createRng(42), b = createRng(42);
 * if (a.next() !== b.next()) throw new Error("not deterministic");
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) {
    throw new RangeError(
      `Cannot create a random generator: seed must be finite, current value is ${seed}`,
    );
  }
  const init = splitmix32(Math.trunc(seed));
  let a = init(), b = init(), c = init(), d = init();
  function nextU32(): number {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  }
  for (let i = 0; i < 12; i++) nextU32();
  let spareNormal: number | undefined;
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (lo, hi) => lo + Math.floor(rng.next() * (hi - lo + 1)),
    uniform: (lo, hi) => lo + rng.next() * (hi - lo),
    normal(mean, sd) {
      if (spareNormal !== undefined) {
        const z = spareNormal;
        spareNormal = undefined;
        return mean + sd * z;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    exponential(rate) {
      let u = 0;
      while (u === 0) u = rng.next();
      return -Math.log(u) / rate;
    },
    gamma(shape, scale) {
      if (shape < 1) {
        const u = rng.next() || Number.MIN_VALUE;
        return rng.gamma(shape + 1, scale) * Math.pow(u, 1 / shape);
      }
      const d3 = shape - 1 / 3;
      const c3 = 1 / Math.sqrt(9 * d3);
      for (;;) {
        let x: number, v: number;
        do {
          x = rng.normal(0, 1);
          v = 1 + c3 * x;
        } while (v <= 0);
        v = v * v * v;
        const u = rng.next();
        if (u < 1 - 0.0331 * x ** 4) return d3 * v * scale;
        if (Math.log(u) < 0.5 * x * x + d3 * (1 - v + Math.log(v))) return d3 * v * scale;
      }
    },
    fork: () => createRng(nextU32() ^ (nextU32() << 1)),
  };
  return rng;
}
