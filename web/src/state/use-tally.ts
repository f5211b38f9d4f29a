import { useStore } from 'zustand';
import { tallyStore, type TallyState } from './store.ts';

/**
 * Reads the smallest value a component needs. A selector that builds a new object or array must be
 * wrapped in `useShallow`, or the component re-renders on every store update.
 */
export function useTally<Selected>(selector: (state: TallyState) => Selected): Selected {
  return useStore(tallyStore, selector);
}
