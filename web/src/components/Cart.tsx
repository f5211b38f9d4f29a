import { useId, useState } from 'react';
import { formatCents } from '../../../shared/money.ts';
import { describeFailure } from '../../../shared/client/request-error.ts';
import { useTally } from '../state/use-tally.ts';
import { CartLine } from './CartLine.tsx';
import { itemCountLabel } from './labels.ts';
import { useShopActions } from './shop-actions-context.ts';

export function Cart() {
  const lines = useTally((state) => state.cart.lines);
  const totalCents = useTally((state) => state.cart.totalCents);
  const actions = useShopActions();
  const [error, setError] = useState<string | null>(null);
  const [clearing, setClearing] = useState(false);
  const id = useId();
  const empty = lines.length === 0;

  async function clear() {
    setClearing(true);
    setError(null);
    try {
      await actions.clearCart();
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setClearing(false);
    }
  }

  return (
    <section className="panel cart" aria-labelledby={`${id}-title`}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>Your cart</h2>
        {!empty && <span className="pill">{itemCountLabel(lines)}</span>}
      </div>
      {empty ? (
        <p className="empty-state empty-state--cart">Your cart is empty. Pick something from the shelf.</p>
      ) : (
        <ul className="cart-lines">
          {lines.map((line) => (
            <CartLine key={line.productId} line={line} />
          ))}
        </ul>
      )}
      <div className="cart__total">
        <span>Total</span>
        <strong aria-label="Cart total">{formatCents(totalCents)}</strong>
      </div>
      {error !== null && (
        <p role="alert" className="notice notice--error">
          {error}
        </p>
      )}
      <div className="panel__actions">
        <button type="button" className="button button--ghost" disabled={empty || clearing} onClick={() => void clear()}>
          Empty cart
        </button>
        <button type="button" className="button button--primary" disabled={empty} onClick={actions.reviewOrder}>
          Review order
        </button>
      </div>
    </section>
  );
}
