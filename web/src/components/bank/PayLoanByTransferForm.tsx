import { useState, type FormEvent } from 'react';
import { OfflineAwareSubmit } from '../OfflineNotice.tsx';
import { useBankActions } from './bank-actions-context.ts';
import { AmountField, SelectField } from './FormFields.tsx';
import { OperationOutcome } from './OperationOutcome.tsx';
import { chosenOrFirst, depositKinds, loanKinds, useAccountNumbersOfKinds, useAccountOptions } from './use-accounts.ts';
import { useAmountField } from './use-amount-field.ts';
import { useMoneySubmit } from './use-money-submit.ts';

/** From my checking or savings to my loan: both bank totals drop by the amount. */
export function PayLoanByTransferForm() {
  const actions = useBankActions();
  const fromNumbers = useAccountNumbersOfKinds(depositKinds);
  const loanNumbers = useAccountNumbersOfKinds(loanKinds);
  const fromOptions = useAccountOptions(fromNumbers);
  const loanOptions = useAccountOptions(loanNumbers);
  const [chosenFrom, setChosenFrom] = useState('');
  const [chosenLoan, setChosenLoan] = useState('');
  const { busy, retrying, outcome, run, clearOutcome } = useMoneySubmit();
  const amount = useAmountField(clearOutcome);
  const from = chosenOrFirst(chosenFrom, fromNumbers);
  const loan = chosenOrFirst(chosenLoan, loanNumbers);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const amountCents = amount.take();
    if (amountCents === null) return;
    const result = await run((progress) => actions.payLoanByTransfer(from, loan, amountCents, progress));
    if (result.ok) amount.clear();
  }

  if (loanNumbers.length === 0) return <p className="empty-state">You have no loans to pay.</p>;
  if (fromNumbers.length === 0) return <p className="empty-state">Open a checking or savings account to pay your loan from.</p>;
  return (
    <form className="money-form" noValidate onSubmit={submit}>
      <p className="money-form__lead">Pay down a loan from one of your checking or savings accounts.</p>
      <SelectField
        label="From account"
        value={from}
        options={fromOptions}
        disabled={busy}
        onChange={(value) => {
          setChosenFrom(value);
          clearOutcome();
        }}
      />
      <SelectField
        label="Loan"
        value={loan}
        options={loanOptions}
        disabled={busy}
        onChange={(value) => {
          setChosenLoan(value);
          clearOutcome();
        }}
      />
      <AmountField label="Amount" {...amount.fieldProps} />
      <OfflineAwareSubmit busy={busy} label="Pay loan" busyLabel="Paying…" />
      <OperationOutcome outcome={outcome} retrying={retrying} />
    </form>
  );
}
