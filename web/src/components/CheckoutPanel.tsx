import { useEffect, useRef, type RefObject } from 'react';
import { useTally } from '../state/use-tally.ts';
import type { CheckoutFlow } from '../state/checkout-slice.ts';
import { failureStillHolds, type ShownFailure } from '../state/connection-slice.ts';
import { Cart } from './Cart.tsx';
import { OrderConfirmed } from './OrderConfirmed.tsx';
import { OrderConflict } from './OrderConflict.tsx';
import { ReviewOrder } from './ReviewOrder.tsx';
import { orderTitle } from './labels.ts';

/** The connection dropped mid-checkout: the same order request goes out again once it is back. */
const retryingNotice = 'Connection lost: retrying… Your order will be placed at most once, and you will see how it ended.';

/** The element the sticky cart bar scrolls to and focuses (see StorePage). */
export const checkoutPanelId = 'checkout';

/** What a screen reader hears as the checkout moves on (a conflict announces itself: it is an alert). */
function announcement(flow: CheckoutFlow): string {
  if (flow.step === 'confirmed') return `${orderTitle(flow.order.orderNumber)} confirmed.`;
  if (flow.step === 'placing') return flow.retrying ? retryingNotice : 'Placing your order…';
  return '';
}

/** A "not connected" notice goes once the tab is back online: the shopper may simply confirm again. */
function noticeShown(notice: ShownFailure | null, onlineCount: number): string | null {
  return notice !== null && failureStillHolds(notice, onlineCount) ? notice.message : null;
}

function CheckoutStep({ flow, headingRef }: { flow: CheckoutFlow; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const onlineCount = useTally((state) => state.onlineCount);
  switch (flow.step) {
    case 'cart':
      return <Cart headingRef={headingRef} adjustments={flow.adjustments ?? []} />;
    case 'review':
      return <ReviewOrder headingRef={headingRef} placing={false} notice={noticeShown(flow.notice, onlineCount)} />;
    case 'placing':
      return <ReviewOrder headingRef={headingRef} placing notice={flow.retrying ? retryingNotice : null} />;
    case 'confirmed':
      return <OrderConfirmed headingRef={headingRef} order={flow.order} />;
    case 'conflict':
      return <OrderConflict headingRef={headingRef} shortfalls={flow.shortfalls} />;
    default: {
      const unexpected: never = flow;
      throw new Error(`unknown checkout step ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * After each step the button that moved it on is gone or disabled, so focus goes to the new step's
 * heading; but only if focus was in this panel (or fell to the page): a cart changed from a product
 * card leaves focus on that card.
 */
function useFocusOnStep(step: CheckoutFlow['step']) {
  const panelRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const previousStep = useRef(step);
  useEffect(() => {
    if (previousStep.current === step) return;
    previousStep.current = step;
    const active = document.activeElement;
    const focusWasHere = active === null || active === document.body || panelRef.current?.contains(active) === true;
    if (focusWasHere) headingRef.current?.focus();
  }, [step]);
  return { panelRef, headingRef };
}

export function CheckoutPanel() {
  const flow = useTally((state) => state.checkout);
  const { panelRef, headingRef } = useFocusOnStep(flow.step);
  return (
    <div ref={panelRef} id={checkoutPanelId} className="checkout-panel">
      <p role="status" aria-label="Checkout" className="visually-hidden">
        {announcement(flow)}
      </p>
      <CheckoutStep flow={flow} headingRef={headingRef} />
    </div>
  );
}
