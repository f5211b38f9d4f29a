import { useId, type RefObject } from 'react';
import type { OrderView } from '../../../shared/protocol.ts';
import { OrderLinesTable } from './OrderLinesTable.tsx';
import { orderTitle, placedAtLabel } from './labels.ts';
import { useShopActions } from './shop-actions-context.ts';

export function OrderConfirmed({ headingRef, order }: { headingRef: RefObject<HTMLHeadingElement | null>; order: OrderView }) {
  const actions = useShopActions();
  const id = useId();
  const title = orderTitle(order.orderNumber);
  return (
    <section className="panel result result--success" aria-labelledby={`${id}-title`}>
      <div className="result__badge" aria-hidden="true">
        ✓
      </div>
      <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
        {title} confirmed
      </h2>
      <p className="result__lead">
        Thank you, {order.shipTo.name}! Placed {placedAtLabel(order.placedAt)}.
      </p>
      <OrderLinesTable caption={`Items in ${title}`} lines={order.lines} totalCents={order.totalCents} totalLabel="Total paid" />
      <div className="ship-to">
        <h3 className="ship-to__title">Shipping to</h3>
        <p className="ship-to__address">
          {order.shipTo.name}
          <br />
          {order.shipTo.address}
        </p>
      </div>
      <div className="panel__actions">
        <button type="button" className="button button--primary button--block" onClick={actions.backToCart}>
          Continue shopping
        </button>
      </div>
    </section>
  );
}
