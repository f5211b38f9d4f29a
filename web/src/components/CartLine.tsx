import { useState } from 'react';
import { formatCents } from '../../../shared/money.ts';
import type { CartLineView } from '../../../shared/protocol.ts';
import { describeFailure } from '../../../shared/client/request-error.ts';
import { unitsLabel } from './labels.ts';
import { useShopActions } from './shop-actions-context.ts';

export function CartLine({ line }: { line: CartLineView }) {
  const actions = useShopActions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function setQuantity(quantity: number) {
    setBusy(true);
    setError(null);
    try {
      await actions.setLineQuantity(line.productId, quantity);
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="cart-line" aria-label={line.name}>
      <div className="cart-line__info">
        <span className="cart-line__name">{line.name}</span>
        <span className="cart-line__units">{unitsLabel(line)}</span>
      </div>
      <div className="cart-line__controls">
        <div className="stepper">
          <button
            type="button"
            className="stepper__button"
            aria-label={`Decrease quantity of ${line.name}`}
            disabled={busy}
            onClick={() => void setQuantity(line.quantity - 1)}
          >
            −
          </button>
          <output className="stepper__value" aria-label={`Quantity of ${line.name}`}>
            {line.quantity}
          </output>
          <button
            type="button"
            className="stepper__button"
            aria-label={`Increase quantity of ${line.name}`}
            disabled={busy}
            onClick={() => void setQuantity(line.quantity + 1)}
          >
            +
          </button>
        </div>
        <span className="cart-line__total">{formatCents(line.lineTotalCents)}</span>
        <button
          type="button"
          className="button button--ghost button--small"
          aria-label={`Remove ${line.name}`}
          disabled={busy}
          onClick={() => void setQuantity(0)}
        >
          Remove
        </button>
      </div>
      {error !== null && (
        <p role="alert" className="notice notice--error notice--compact cart-line__error">
          {error}
        </p>
      )}
    </li>
  );
}
