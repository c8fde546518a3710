import { mulberry32 } from '../../random/mulberry32.js';

/**
 * A uniform sample of at most `capacity` values of a stream (Vitter's algorithm R), driven by a
 * seeded generator so that the same stream gives the same sample on every machine.
 */
export class Reservoir {
  readonly #values: number[] = [];
  readonly #random: () => number;
  #seen = 0;

  constructor(readonly capacity: number, seed: number) {
    this.#random = mulberry32(seed);
  }

  add(value: number): void {
    this.#seen++;
    if (this.#values.length < this.capacity) {
      this.#values.push(value);
      return;
    }
    const slot = Math.floor(this.#random() * this.#seen);
    if (slot < this.capacity) this.#values[slot] = value;
  }

  /** Values offered so far (kept or not). */
  get seen(): number {
    return this.#seen;
  }

  values(): number[] {
    return [...this.#values];
  }
}

/** One reservoir per feature, each with its own seed derived from `seed` and the feature's name. */
export class FeatureReservoirs {
  readonly #reservoirs = new Map<string, Reservoir>();

  constructor(private readonly capacity: number, private readonly seed: number) {}

  add(features: Readonly<Record<string, readonly number[]>>): void {
    for (const [name, values] of Object.entries(features)) {
      let reservoir = this.#reservoirs.get(name);
      if (!reservoir) {
        reservoir = new Reservoir(this.capacity, (this.seed ^ hash(name)) >>> 0);
        this.#reservoirs.set(name, reservoir);
      }
      for (const value of values) if (Number.isFinite(value)) reservoir.add(value);
    }
  }

  /** feature → its sample, features in name order. */
  samples(): Record<string, number[]> {
    return Object.fromEntries([...this.#reservoirs.keys()].sort().map((name) => [name, (this.#reservoirs.get(name) as Reservoir).values()]));
  }
}

/** FNV-1a: a stable 32-bit hash of a feature's name. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
