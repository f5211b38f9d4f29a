import { useId, useState, type RefObject } from 'react';
import { formatCents } from '../../../shared/money.ts';
import { cartAdjustmentLabel, type CartAdjustment } from '../state/checkout-slice.ts';
import { useTally } from '../state/use-tally.ts';
import { CartLine } from './CartLine.tsx';
import { itemCountLabel } from './labels.ts';
import { OfflineNotice, offlineDescription, useOnline } from './OfflineNotice.tsx';
import { useShopActions } from './shop-actions-context.ts';
import { useShownFailure } from './use-shown-failure.ts';

/** What "update cart to what is left" just did, line by line: the shopper's own action, so announced. */
function CartAdjustments({ id, adjustments }: { id: string; adjustments: readonly CartAdjustment[] }) {
  return (
    <div id={id} role="status" className="notice notice--warning cart__adjustments">
      <p>Your cart now holds what is left:</p>
      <ul>
        {adjustments.map((adjustment) => (
          <li key={adjustment.productId}>{cartAdjustmentLabel(adjustment)}</li>
        ))}
      </ul>
    </div>
  );
}

export function Cart({ headingRef, adjustments }: { headingRef: RefObject<HTMLHeadingElement | null>; adjustments: readonly CartAdjustment[] }) {
  const lines = useTally((state) => state.cart.lines);
  const totalCents = useTally((state) => state.cart.totalCents);
  const online = useOnline();
  const actions = useShopActions();
  const failure = useShownFailure();
  const [clearing, setClearing] = useState(false);
  const id = useId();
  const empty = lines.length === 0;
  const adjusted = adjustments.length > 0;
  const offlineId = `${id}-offline`;

  async function clear() {
    setClearing(true);
    failure.clear();
    try {
      await actions.clearCart();
    } catch (error) {
      failure.show(error);
    } finally {
      setClearing(false);
    }
  }

  return (
    <section className="panel cart" aria-labelledby={`${id}-title`}>
      <div className="panel__header">
        <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1} aria-describedby={adjusted ? `${id}-adjustments` : undefined}>
          Your cart
        </h2>
        {!empty && <span className="pill">{itemCountLabel(lines)}</span>}
      </div>
      {adjusted && <CartAdjustments id={`${id}-adjustments`} adjustments={adjustments} />}
      {empty ? (
        <p className="empty-state empty-state--cart">Your cart is empty. Pick something from the shelf.</p>
      ) : (
        <ul className="cart-lines">
          {lines.map((line) => (
            <CartLine key={line.productId} line={line} offlineId={offlineId} onEdited={failure.clear} />
          ))}
        </ul>
      )}
      <div className="cart__total">
        <span>Total</span>
        <strong aria-label="Cart total">{formatCents(totalCents)}</strong>
      </div>
      {failure.message !== null && (
        <p role="alert" className="notice notice--error">
          {failure.message}
        </p>
      )}
      <OfflineNotice id={offlineId} />
      <div className="panel__actions">
        <button
          type="button"
          className="button button--ghost"
          disabled={empty || clearing || !online}
          aria-describedby={offlineDescription(online, offlineId)}
          onClick={() => void clear()}
        >
          Empty cart
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={empty || !online}
          aria-describedby={offlineDescription(online, offlineId)}
          onClick={actions.reviewOrder}
        >
          Review order
        </button>
      </div>
    </section>
  );
}
