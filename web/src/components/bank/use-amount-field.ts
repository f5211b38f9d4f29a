import { useRef, useState } from 'react';
import type { Cents } from '../../../../shared/money.ts';
import { parseDollarsToCents } from '../../bank/parse-dollars.ts';

/**
 * The state of one dollars field: what was typed, why it is not an amount, and the input to focus.
 * Spread `fieldProps` onto an AmountField. `clearOutcome` (the form's last OK or FAILED) is called
 * when the text is edited and when it is refused, so an old outcome never sits under a new error.
 */
export function useAmountField(clearOutcome: () => void) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const inputRef = useRef<HTMLInputElement>(null);

  /** The amount in cents; or null, having shown why the text is not one and focused the field. */
  function take(): Cents | null {
    const amount = parseDollarsToCents(text);
    if (!amount.ok) {
      setError(amount.message);
      clearOutcome();
      inputRef.current?.focus();
      return null;
    }
    setError(undefined);
    return amount.cents;
  }

  const fieldProps = {
    value: text,
    inputRef,
    error,
    onChange: (value: string) => {
      setText(value);
      setError(undefined);
      clearOutcome();
    },
  };
  return { fieldProps, take, clear: () => setText('') };
}
