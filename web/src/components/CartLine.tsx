import { useState } from 'react';
import { formatCents } from '../../../shared/money.ts';
import type { CartLineView } from '../../../shared/protocol.ts';
import { unitsLabel } from './labels.ts';
import { offlineDescription, useOnline } from './OfflineNotice.tsx';
import { useShopActions } from './shop-actions-context.ts';
import { useShownFailure } from './use-shown-failure.ts';

interface CartLineProps {
  line: CartLineView;
  /** The cart's offline notice, which says why the controls are disabled. */
  offlineId: string;
  /** The shopper changed this line: the cart clears what it showed about an earlier action. */
  onEdited: () => void;
}

export function CartLine({ line, offlineId, onEdited }: CartLineProps) {
  const actions = useShopActions();
  const online = useOnline();
  const [busy, setBusy] = useState(false);
  const failure = useShownFailure();
  const disabled = busy || !online;
  const describedBy = offlineDescription(online, offlineId);

  async function setQuantity(quantity: number) {
    setBusy(true);
    failure.clear();
    onEdited();
    try {
      await actions.setLineQuantity(line.productId, quantity);
    } catch (error) {
      failure.show(error);
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
            aria-describedby={describedBy}
            disabled={disabled}
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
            aria-describedby={describedBy}
            disabled={disabled}
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
          aria-describedby={describedBy}
          disabled={disabled}
          onClick={() => void setQuantity(0)}
        >
          Remove
        </button>
      </div>
      {failure.message !== null && (
        <p role="alert" className="notice notice--error notice--compact cart-line__error">
          {failure.message}
        </p>
      )}
    </li>
  );
}
