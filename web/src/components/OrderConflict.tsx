import { useId, useState, type RefObject } from 'react';
import type { StockShortfall } from '../../../shared/protocol.ts';
import { OfflineNotice, offlineDescription, useOnline } from './OfflineNotice.tsx';
import { useShopActions } from './shop-actions-context.ts';
import { useShownFailure } from './use-shown-failure.ts';

interface OrderConflictProps {
  headingRef: RefObject<HTMLHeadingElement | null>;
  shortfalls: readonly StockShortfall[];
}

/** Checkout lost a race: nothing was bought; show what is short and offer the cart that can still be filled. */
export function OrderConflict({ headingRef, shortfalls }: OrderConflictProps) {
  const actions = useShopActions();
  const online = useOnline();
  const [updating, setUpdating] = useState(false);
  const failure = useShownFailure();
  const id = useId();
  const offlineId = `${id}-offline`;

  async function update() {
    setUpdating(true);
    failure.clear();
    try {
      await actions.updateCartToWhatIsLeft();
    } catch (error) {
      failure.show(error);
      setUpdating(false);
    }
  }

  return (
    <section className="panel result result--conflict" aria-labelledby={`${id}-title`}>
      <div className="result__badge" aria-hidden="true">
        !
      </div>
      <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
        Your order was not placed
      </h2>
      <p role="alert" className="result__lead">
        Another shopper bought some of these items first. Nothing was charged.
      </p>
      <table className="order-table">
        <caption className="visually-hidden">Items no longer available</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="numeric">
              You asked for
            </th>
            <th scope="col" className="numeric">
              Still available
            </th>
          </tr>
        </thead>
        <tbody>
          {shortfalls.map((shortfall) => (
            <tr key={shortfall.productId}>
              <th scope="row">{shortfall.name}</th>
              <td className="numeric">{shortfall.requested}</td>
              <td className="numeric order-table__short">{shortfall.available}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="result__hint">Updating lowers these lines to what is still available, removes those with none left, and keeps the rest of your cart.</p>
      {failure.message !== null && (
        <p role="alert" className="notice notice--error">
          {failure.message}
        </p>
      )}
      <OfflineNotice id={offlineId} />
      <div className="panel__actions">
        <button type="button" className="button button--ghost" disabled={updating} onClick={actions.backToCart}>
          Back to cart
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={updating || !online}
          aria-describedby={offlineDescription(online, offlineId)}
          onClick={() => void update()}
        >
          Update cart to what is left
        </button>
      </div>
    </section>
  );
}
