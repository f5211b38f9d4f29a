import { useId, useState, type FormEvent } from 'react';
import { accountsPerUserMax } from '../../../../shared/limits.ts';
import { AccountKind } from '../../../../shared/protocol.ts';
import { OfflineAwareSubmit } from '../OfflineNotice.tsx';
import { useBankActions } from './bank-actions-context.ts';
import { accountKindLabels } from './bank-labels.ts';
import { AmountField, SelectField } from './FormFields.tsx';
import { OperationOutcome } from './OperationOutcome.tsx';
import { useAmountField } from './use-amount-field.ts';
import { useMoneySubmit } from './use-money-submit.ts';

const kindOptions = AccountKind.options.map((kind) => ({ value: kind, label: accountKindLabels[kind] }));

/** Checking and savings open with a first deposit; a loan opens owing its principal. */
export function OpenAccountForm() {
  const actions = useBankActions();
  const [kind, setKind] = useState<AccountKind>('checking');
  const { busy, retrying, outcome, run, clearOutcome } = useMoneySubmit();
  const amount = useAmountField(clearOutcome);
  const id = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const amountCents = amount.take();
    if (amountCents === null) return;
    const result = await run((progress) => actions.openAccount(kind, amountCents, progress));
    if (result.ok) amount.clear();
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Open an account</h2>
      <p className="panel__lead">The bank picks its number. You may hold up to {accountsPerUserMax} accounts.</p>
      <form className="money-form" noValidate onSubmit={submit}>
        <SelectField
          label="Kind"
          value={kind}
          options={kindOptions}
          disabled={busy}
          onChange={(value) => {
            setKind(AccountKind.parse(value));
            clearOutcome();
          }}
        />
        <AmountField
          label={kind === 'loan' ? 'Principal owed' : 'Initial deposit'}
          hint={kind === 'loan' ? 'Paid out to you outside the bank; the loan owes it.' : undefined}
          {...amount.fieldProps}
        />
        <OfflineAwareSubmit busy={busy} label="Open account" busyLabel="Opening…" />
        <OperationOutcome outcome={outcome} retrying={retrying} />
      </form>
    </section>
  );
}
