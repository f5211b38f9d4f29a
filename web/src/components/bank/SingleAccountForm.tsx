import { useState, type FormEvent } from 'react';
import type { AccountKind } from '../../../../shared/protocol.ts';
import type { MoneyOutcome, MoneyProgress } from '../../actions/bank-actions.ts';
import { OfflineAwareSubmit } from '../OfflineNotice.tsx';
import { AmountField, SelectField } from './FormFields.tsx';
import { OperationOutcome } from './OperationOutcome.tsx';
import { chosenOrFirst, useAccountNumbersOfKinds, useAccountOptions } from './use-accounts.ts';
import { useAmountField } from './use-amount-field.ts';
import { useMoneySubmit } from './use-money-submit.ts';

export interface SingleAccountFormProps {
  kinds: readonly AccountKind[];
  accountLabel: string;
  submitLabel: string;
  busyLabel: string;
  lead: string;
  noAccountsMessage: string;
  perform: (accountNumber: string, amountCents: number, progress: MoneyProgress) => Promise<MoneyOutcome>;
}

/** One of my accounts and an amount: deposit, withdraw, pay a loan by check. */
export function SingleAccountForm({ kinds, accountLabel, submitLabel, busyLabel, lead, noAccountsMessage, perform }: SingleAccountFormProps) {
  const numbers = useAccountNumbersOfKinds(kinds);
  const options = useAccountOptions(numbers);
  const [chosen, setChosen] = useState('');
  const { busy, retrying, outcome, run, clearOutcome } = useMoneySubmit();
  const amount = useAmountField(clearOutcome);
  const accountNumber = chosenOrFirst(chosen, numbers);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const amountCents = amount.take();
    if (amountCents === null) return;
    const result = await run((progress) => perform(accountNumber, amountCents, progress));
    if (result.ok) amount.clear();
  }

  if (numbers.length === 0) return <p className="empty-state">{noAccountsMessage}</p>;
  return (
    <form className="money-form" noValidate onSubmit={submit}>
      <p className="money-form__lead">{lead}</p>
      <SelectField
        label={accountLabel}
        value={accountNumber}
        options={options}
        disabled={busy}
        onChange={(value) => {
          setChosen(value);
          clearOutcome();
        }}
      />
      <AmountField label="Amount" {...amount.fieldProps} />
      <OfflineAwareSubmit busy={busy} label={submitLabel} busyLabel={busyLabel} />
      <OperationOutcome outcome={outcome} retrying={retrying} />
    </form>
  );
}
