import type { TallyState, TallyStore } from './store.ts';

/** For tests: resolves once the store satisfies `predicate` (checked on every change), or fails after 5 s. */
export function until(store: TallyStore, predicate: (state: TallyState) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(store.getState())) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error('the store never reached the expected state'));
    }, 5_000);
    const unsubscribe = store.subscribe((state) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
