import { useTally } from '../state/use-tally.ts';
import type { CheckoutFlow } from '../state/checkout-slice.ts';
import { Cart } from './Cart.tsx';
import { OrderConfirmed } from './OrderConfirmed.tsx';
import { OrderConflict } from './OrderConflict.tsx';
import { ReviewOrder } from './ReviewOrder.tsx';
import { orderTitle } from './labels.ts';

/** The connection dropped mid-checkout: the same order request goes out again once it is back. */
const retryingNotice = 'Connection lost: retrying… Your order will be placed at most once, and you will see how it ended.';

/** What a screen reader hears as the checkout moves on (a conflict announces itself: it is an alert). */
function announcement(flow: CheckoutFlow): string {
  if (flow.step === 'confirmed') return `${orderTitle(flow.order.orderNumber)} confirmed.`;
  if (flow.step === 'placing') return flow.retrying ? retryingNotice : 'Placing your order…';
  return '';
}

function CheckoutStep({ flow }: { flow: CheckoutFlow }) {
  switch (flow.step) {
    case 'cart':
      return <Cart />;
    case 'review':
      return <ReviewOrder placing={false} notice={flow.notice} />;
    case 'placing':
      return <ReviewOrder placing notice={flow.retrying ? retryingNotice : null} />;
    case 'confirmed':
      return <OrderConfirmed order={flow.order} />;
    case 'conflict':
      return <OrderConflict shortfalls={flow.shortfalls} />;
    default: {
      const unexpected: never = flow;
      throw new Error(`unknown checkout step ${JSON.stringify(unexpected)}`);
    }
  }
}

export function CheckoutPanel() {
  const flow = useTally((state) => state.checkout);
  return (
    <>
      <p role="status" aria-label="Checkout" className="visually-hidden">
        {announcement(flow)}
      </p>
      <CheckoutStep flow={flow} />
    </>
  );
}
