/**
 * Seeded randomness. Every consumer gets its own stream forked by a name
 * (a service, a link, an order), so adding a draw in one place never
 * reshuffles the draws of another.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** An independent stream derived from this one's seed and `key` (not from its position). */
  fork(key: string | number): Random;
}

/** The algorithm behind {@link createRandom}, named so runs can be reproduced elsewhere. */
export const RANDOM_ALGORITHM = "xoshiro128** seeded by splitmix32 over FNV-1a(seed:key)";

/** A seeded xoshiro128** stream; the same seed always gives the same numbers. */
export function createRandom(seed: number | string): Random {
  return new Xoshiro128(String(seed));
}

class Xoshiro128 implements Random {
  readonly #seed: string;
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(seed: string) {
    this.#seed = seed;
    const start = fnv1a(seed);
    this.#s0 = splitmix32(start, 1);
    this.#s1 = splitmix32(start, 2);
    this.#s2 = splitmix32(start, 3);
    this.#s3 = splitmix32(start, 4);
  }

  next(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  fork(key: string | number): Random {
    return new Xoshiro128(`${this.#seed}:${key}`);
  }
}

/** The `n`th output of splitmix32 started at `start` (n = 1, 2, ...): a function, not a closure over its state, since forks are made per order. */
function splitmix32(start: number, n: number): number {
  let z = (start + n * 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
