import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTally } from '../state/use-tally.ts';
import { OrderLinesTable } from './OrderLinesTable.tsx';
import { useShopActions } from './shop-actions-context.ts';

export function ReviewOrder({ placing, notice }: { placing: boolean; notice: string | null }) {
  const cart = useTally((state) => state.cart);
  const shipTo = useTally(useShallow((state) => ({ name: state.shopper?.name ?? '', address: state.shopper?.address ?? '' })));
  const actions = useShopActions();
  const id = useId();
  return (
    <section className="panel review" aria-labelledby={`${id}-title`} aria-busy={placing}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>Review your order</h2>
      </div>
      {notice !== null && (
        <p role="alert" className="notice notice--warning">
          {notice}
        </p>
      )}
      <OrderLinesTable caption="Order summary" lines={cart.lines} totalCents={cart.totalCents} totalLabel="Total bill" />
      <div className="ship-to">
        <h3 className="ship-to__title">Ship to</h3>
        <p className="ship-to__address">
          {shipTo.name}
          <br />
          {shipTo.address}
        </p>
      </div>
      <div className="panel__actions">
        <button type="button" className="button button--ghost" disabled={placing} onClick={actions.backToCart}>
          Back to cart
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={placing || cart.lines.length === 0}
          onClick={() => void actions.confirmOrder()}
        >
          {placing ? 'Placing order…' : 'Confirm order'}
        </button>
      </div>
    </section>
  );
}
