import { useId } from 'react';
import { formatCents } from '../../../shared/money.ts';
import type { OrderView } from '../../../shared/protocol.ts';
import { useTally } from '../state/use-tally.ts';
import { itemCountLabel, orderTitle, placedAtLabel } from './labels.ts';

function OrderSummary({ order }: { order: OrderView }) {
  const id = useId();
  return (
    <li>
      <article className="order-card" aria-labelledby={`${id}-title`}>
        <header className="order-card__header">
          <h3 id={`${id}-title`}>{orderTitle(order.orderNumber)}</h3>
          <strong className="order-card__total">{formatCents(order.totalCents)}</strong>
        </header>
        <p className="order-card__meta">
          <time dateTime={order.placedAt}>{placedAtLabel(order.placedAt)}</time> · {itemCountLabel(order.lines)} · to{' '}
          {order.shipTo.address}
        </p>
        <ul className="order-card__lines">
          {order.lines.map((line) => (
            <li key={line.productId}>
              <span>
                {line.quantity} × {line.name}
              </span>
              <span>{formatCents(line.lineTotalCents)}</span>
            </li>
          ))}
        </ul>
      </article>
    </li>
  );
}

export function OrderHistory() {
  const orders = useTally((state) => state.orders);
  const loaded = useTally((state) => state.ordersLoaded);
  const id = useId();
  return (
    <section className="history" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Your orders</h2>
      {orders.length === 0 ? (
        <p className="empty-state">{loaded ? 'No orders yet. Your confirmed orders will appear here.' : 'Loading your orders…'}</p>
      ) : (
        <ol className="order-list">
          {orders.map((order) => (
            <OrderSummary key={order.orderNumber} order={order} />
          ))}
        </ol>
      )}
    </section>
  );
}
