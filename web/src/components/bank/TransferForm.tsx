import { useRef, useState, type FormEvent } from 'react';
import { accountNumberDigits } from '../../../../shared/limits.ts';
import { checkAccountNumber } from '../../bank/account-number-list.ts';
import { parseDollarsToCents } from '../../bank/parse-dollars.ts';
import { OfflineAwareSubmit } from '../OfflineNotice.tsx';
import { useBankActions } from './bank-actions-context.ts';
import { AmountField, SelectField, TextField } from './FormFields.tsx';
import { OperationOutcome } from './OperationOutcome.tsx';
import { chosenOrFirst, depositKinds, useAccountNumbersOfKinds, useAccountOptions } from './use-accounts.ts';
import { useMoneySubmit } from './use-money-submit.ts';

type TransferErrors = { to?: string; amount?: string };

function validateTransfer(from: string, toText: string, amountText: string): { errors: TransferErrors; to?: string; amountCents?: number } {
  const errors: TransferErrors = {};
  const to = checkAccountNumber(toText);
  if (!to.ok) errors.to = to.message;
  else if (to.number === from) errors.to = 'Choose an account other than the one the money leaves.';
  const amount = parseDollarsToCents(amountText);
  if (!amount.ok) errors.amount = amount.message;
  if (!to.ok || !amount.ok || errors.to !== undefined) return { errors };
  return { errors, to: to.number, amountCents: amount.cents };
}

/** From one of my checking or savings accounts to any customer's checking or savings account, by number. */
export function TransferForm() {
  const actions = useBankActions();
  const numbers = useAccountNumbersOfKinds(depositKinds);
  const options = useAccountOptions(numbers);
  const [chosen, setChosen] = useState('');
  const [toText, setToText] = useState('');
  const [amountText, setAmountText] = useState('');
  const [errors, setErrors] = useState<TransferErrors>({});
  const toInput = useRef<HTMLInputElement>(null);
  const amountInput = useRef<HTMLInputElement>(null);
  const { busy, retrying, outcome, run, clearOutcome } = useMoneySubmit();
  const from = chosenOrFirst(chosen, numbers);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = validateTransfer(from, toText, amountText);
    setErrors(checked.errors);
    if (checked.errors.to !== undefined || checked.errors.amount !== undefined) clearOutcome();
    if (checked.errors.to !== undefined) return toInput.current?.focus();
    if (checked.to === undefined || checked.amountCents === undefined) return amountInput.current?.focus();
    const { to, amountCents } = checked;
    const result = await run((progress) => actions.transfer(from, to, amountCents, progress));
    if (result.ok) setAmountText('');
  }

  if (numbers.length === 0) return <p className="empty-state">Open a checking or savings account to send money from.</p>;
  return (
    <form className="money-form" noValidate onSubmit={submit}>
      <p className="money-form__lead">Send money to any customer’s checking or savings account. It stays in the bank.</p>
      <SelectField
        label="From account"
        value={from}
        options={options}
        disabled={busy}
        onChange={(value) => {
          setChosen(value);
          clearOutcome();
        }}
      />
      <TextField
        label="To account number"
        value={toText}
        inputRef={toInput}
        inputMode="numeric"
        autoComplete="off"
        placeholder={`${accountNumberDigits} digits`}
        error={errors.to}
        onChange={(value) => {
          setToText(value);
          setErrors(({ amount }) => ({ amount }));
          clearOutcome();
        }}
      />
      <AmountField
        label="Amount"
        value={amountText}
        inputRef={amountInput}
        error={errors.amount}
        onChange={(value) => {
          setAmountText(value);
          setErrors(({ to }) => ({ to }));
          clearOutcome();
        }}
      />
      <OfflineAwareSubmit busy={busy} label="Send transfer" busyLabel="Sending…" />
      <OperationOutcome outcome={outcome} retrying={retrying} />
    </form>
  );
}
