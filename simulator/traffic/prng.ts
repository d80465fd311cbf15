// A small seeded pseudo-random generator, so a scenario's seed fixes its traffic on every machine
// and Node version (Math.random cannot be seeded). xoshiro128** (Blackman & Vigna), 2^128 − 1
// period, seeded through splitmix32 so that nearby seeds give unrelated streams.

/** splitmix32 step: a well-mixed 32-bit value from any 32-bit state. */
function splitmix32(state: number): [value: number, next: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [(z ^ (z >>> 16)) >>> 0, next];
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

export class Prng {
  private s: Uint32Array;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.s = new Uint32Array(4);
    // Fold the high bits in too, so seeds above 2^32 still differ.
    let state = (seed ^ Math.floor(seed / 2 ** 32)) | 0;
    for (let i = 0; i < 4; i++) {
      const [v, next] = splitmix32(state);
      this.s[i] = v;
      state = next;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1; // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform in (0, 1]: safe under a logarithm. */
  nextOpen(): number {
    return (this.nextUint32() + 1) / 2 ** 32;
  }
}

/**
 * A seed derived from a base seed and some keys (e.g. a caller and an attempt number), so an
 * event drawn later (a retrial) does not depend on the order other events were drawn in.
 */
export function deriveSeed(seed: number, ...keys: (string | number)[]): number {
  let h = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  for (const key of keys) {
    const text = String(key);
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0; // FNV-1a step
    }
    h = splitmix32(h ^ 0x2f)[0];
  }
  return h;
}
