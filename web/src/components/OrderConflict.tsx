import { useId, useState } from 'react';
import type { StockShortfall } from '../../../shared/protocol.ts';
import { describeFailure } from '../../../shared/client/request-error.ts';
import { useShopActions } from './shop-actions-context.ts';

/** Checkout lost a race: nothing was bought; show what is short and offer the cart that can still be filled. */
export function OrderConflict({ shortfalls }: { shortfalls: readonly StockShortfall[] }) {
  const actions = useShopActions();
  const [updating, setUpdating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function update() {
    setUpdating(true);
    setError(null);
    try {
      await actions.updateCartToWhatIsLeft();
    } catch (failure) {
      setError(describeFailure(failure));
      setUpdating(false);
    }
  }

  return (
    <section className="panel result result--conflict" aria-labelledby={`${id}-title`}>
      <div className="result__badge" aria-hidden="true">
        !
      </div>
      <h2 id={`${id}-title`}>Your order was not placed</h2>
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
      {error !== null && (
        <p role="alert" className="notice notice--error">
          {error}
        </p>
      )}
      <div className="panel__actions">
        <button type="button" className="button button--ghost" disabled={updating} onClick={actions.backToCart}>
          Back to cart
        </button>
        <button type="button" className="button button--primary" disabled={updating} onClick={() => void update()}>
          Update cart to what is left
        </button>
      </div>
    </section>
  );
}
