import { useId, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTally } from '../state/use-tally.ts';
import { OfflineNotice, offlineDescription, useOnline } from './OfflineNotice.tsx';
import { OrderLinesTable } from './OrderLinesTable.tsx';
import { useShopActions } from './shop-actions-context.ts';

interface ReviewOrderProps {
  headingRef: RefObject<HTMLHeadingElement | null>;
  placing: boolean;
  notice: string | null;
}

export function ReviewOrder({ headingRef, placing, notice }: ReviewOrderProps) {
  const cart = useTally((state) => state.cart);
  const shipTo = useTally(useShallow((state) => ({ name: state.shopper?.name ?? '', address: state.shopper?.address ?? '' })));
  const online = useOnline();
  const actions = useShopActions();
  const id = useId();
  const offlineId = `${id}-offline`;
  return (
    <section className="panel review" aria-labelledby={`${id}-title`} aria-busy={placing}>
      <div className="panel__header">
        <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
          Review your order
        </h2>
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
      {/* While placing, the order is already on its way and is re-sent by itself: the retrying notice says so. */}
      {!placing && <OfflineNotice id={offlineId} />}
      <div className="panel__actions">
        <button type="button" className="button button--ghost" disabled={placing} onClick={actions.backToCart}>
          Back to cart
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={placing || !online || cart.lines.length === 0}
          aria-describedby={placing ? undefined : offlineDescription(online, offlineId)}
          onClick={() => void actions.confirmOrder()}
        >
          {placing ? 'Placing order…' : 'Confirm order'}
        </button>
      </div>
    </section>
  );
}
