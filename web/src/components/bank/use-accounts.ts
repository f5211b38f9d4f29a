import { useShallow } from 'zustand/react/shallow';
import type { AccountKind } from '../../../../shared/protocol.ts';
import { useTally } from '../../state/use-tally.ts';
import { accountOptionLabel } from './bank-labels.ts';
import type { SelectOption } from './FormFields.tsx';

export const depositKinds: readonly AccountKind[] = ['checking', 'savings'];
export const loanKinds: readonly AccountKind[] = ['loan'];

/** The numbers of the accounts held of these kinds, ascending; the same array while they stay the same. */
export function useAccountNumbersOfKinds(kinds: readonly AccountKind[]): readonly string[] {
  return useTally(
    useShallow((state) => state.accountNumbers.filter((number) => kinds.includes(state.accountsByNumber[number]?.kind ?? 'loan'))),
  );
}

/** Select options for these accounts, labelled with their live balances. */
export function useAccountOptions(numbers: readonly string[]): SelectOption[] {
  const labels = useTally(
    useShallow((state) =>
      numbers.map((number) => {
        const account = state.accountsByNumber[number];
        return account === undefined ? number : accountOptionLabel(account);
      }),
    ),
  );
  return numbers.map((number, index) => ({ value: number, label: labels[index] ?? number }));
}

/** The chosen value if it is still one of `numbers`, else the first (or '' when there is none). */
export function chosenOrFirst(chosen: string, numbers: readonly string[]): string {
  return numbers.includes(chosen) ? chosen : (numbers[0] ?? '');
}
