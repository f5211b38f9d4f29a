/**
 * The version rule, in one place for every client: a product or an account received (in a welcome,
 * a `changes` frame, a result or a resume) replaces the one held only when its version is greater.
 * Frames and replies may arrive in any order, so an older or equal version is ignored.
 */
export interface Versioned {
  version: number;
}

export function isNewer(held: Versioned | undefined, incoming: Versioned): boolean {
  return held === undefined || incoming.version > held.version;
}

/**
 * Merges into a plain record (the SPA's store). Returns `held` itself when nothing is newer, so
 * subscribers see no change; `onReplace` hears each replacement (the one held, if any, and the new).
 */
export function mergeNewer<Key extends string | number, Entity extends Versioned>(
  held: Readonly<Record<Key, Entity>>,
  incoming: readonly Entity[],
  keyOf: (entity: Entity) => Key,
  onReplace?: (previous: Entity | undefined, next: Entity) => void,
): Readonly<Record<Key, Entity>> {
  let merged: Record<Key, Entity> | null = null;
  for (const entity of incoming) {
    const key = keyOf(entity);
    const current = (merged ?? held)[key];
    if (!isNewer(current, entity)) continue;
    onReplace?.(current, entity);
    merged ??= { ...held };
    merged[key] = entity;
  }
  return merged ?? held;
}

/** Merges into a Map in place (terminal and test clients); returns how many entities were applied. */
export function mergeNewerInto<Key, Entity extends Versioned>(held: Map<Key, Entity>, incoming: readonly Entity[], keyOf: (entity: Entity) => Key): number {
  let applied = 0;
  for (const entity of incoming) {
    const key = keyOf(entity);
    if (!isNewer(held.get(key), entity)) continue;
    held.set(key, entity);
    applied += 1;
  }
  return applied;
}
