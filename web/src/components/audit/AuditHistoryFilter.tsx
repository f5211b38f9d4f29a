import { memo, useRef, useState, type FormEvent } from 'react';
import { TransactionKind } from '../../../../shared/protocol.ts';
import { checkAccountNumber } from '../../bank/account-number-list.ts';
import { usernameProblem } from '../../bank/credentials-validation.ts';
import type { HistoryFilter } from '../../state/history-page.ts';
import { transactionKindLabels } from '../bank/bank-labels.ts';
import { SelectField, TextField } from '../bank/FormFields.tsx';

type FilterErrors = { accountNumber?: string; username?: string };

const allKinds = '';
const kindOptions = [
  { value: allKinds, label: 'All kinds' },
  ...TransactionKind.options.map((kind) => ({ value: kind, label: transactionKindLabels[kind] })),
];

/** The filter from what the fields hold; errors for what the server would refuse. */
function readFilter(accountText: string, usernameText: string, kindValue: string): { filter: HistoryFilter; errors: FilterErrors } {
  const filter: HistoryFilter = {};
  const errors: FilterErrors = {};
  if (accountText.trim() !== '') {
    const account = checkAccountNumber(accountText);
    if (account.ok) filter.accountNumber = account.number;
    else errors.accountNumber = account.message;
  }
  if (usernameText.trim() !== '') {
    const usernameError = usernameProblem(usernameText);
    if (usernameError === undefined) filter.username = usernameText.trim().toLowerCase();
    else errors.username = usernameError;
  }
  if (kindValue !== allKinds) filter.kind = TransactionKind.parse(kindValue);
  return { filter, errors };
}

/**
 * The ledger's filter form. Memoized (give it a stable `onApply`): the ledger above it changes many
 * times a second, and each render of a controlled input writes its attributes again.
 */
export const AuditHistoryFilter = memo(function AuditHistoryFilter({ onApply }: { onApply: (filter: HistoryFilter) => void }) {
  const [accountText, setAccountText] = useState('');
  const [usernameText, setUsernameText] = useState('');
  const [kindValue, setKindValue] = useState(allKinds);
  const [errors, setErrors] = useState<FilterErrors>({});
  const accountInput = useRef<HTMLInputElement>(null);
  const usernameInput = useRef<HTMLInputElement>(null);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const read = readFilter(accountText, usernameText, kindValue);
    setErrors(read.errors);
    if (read.errors.accountNumber !== undefined) return accountInput.current?.focus();
    if (read.errors.username !== undefined) return usernameInput.current?.focus();
    onApply(read.filter);
  }

  function clear() {
    setAccountText('');
    setUsernameText('');
    setKindValue(allKinds);
    setErrors({});
    onApply({});
  }

  return (
    <form className="filter-form" aria-label="Filter transactions" noValidate onSubmit={apply}>
      <TextField
        label="Account number"
        value={accountText}
        inputRef={accountInput}
        inputMode="numeric"
        autoComplete="off"
        placeholder="Any"
        error={errors.accountNumber}
        onChange={(value) => {
          setAccountText(value);
          setErrors(({ username }) => ({ username }));
        }}
      />
      <TextField
        label="Customer"
        value={usernameText}
        inputRef={usernameInput}
        autoComplete="off"
        placeholder="Any"
        error={errors.username}
        onChange={(value) => {
          setUsernameText(value);
          setErrors(({ accountNumber }) => ({ accountNumber }));
        }}
      />
      <SelectField label="Kind" value={kindValue} options={kindOptions} onChange={setKindValue} />
      <div className="filter-form__actions">
        <button type="submit" className="button button--primary">
          Apply filter
        </button>
        <button type="button" className="button button--ghost" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
});
