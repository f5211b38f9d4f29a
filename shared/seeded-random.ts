/** A seeded source in [0, 1), so a torture run's choices can be replayed from its seed. */
export type Random = () => number;

/** mulberry32: small, seeded, good enough to pick operations. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A whole number in [0, count). */
export const pick = (random: Random, count: number): number => Math.floor(random() * count);

/** A whole number in [min, max]. */
export const between = (random: Random, min: number, max: number): number => min + pick(random, max - min + 1);
