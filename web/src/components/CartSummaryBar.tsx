import { useEffect, useState } from 'react';
import { formatCents } from '../../../shared/money.ts';
import { useTally } from '../state/use-tally.ts';
import { checkoutPanelId } from './CheckoutPanel.tsx';
import { itemCountLabel } from './labels.ts';

/** True while any part of the element with this id is on screen (false where it cannot be observed). */
function useOnScreen(elementId: string): boolean {
  const [onScreen, setOnScreen] = useState(false);
  useEffect(() => {
    const element = document.getElementById(elementId);
    if (element === null || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setOnScreen(entries.some((entry) => entry.isIntersecting)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [elementId]);
  return onScreen;
}

/** Scrolls to the cart (or whichever checkout step shows) and puts focus on its heading. */
function jumpToCheckout(): void {
  const panel = document.getElementById(checkoutPanelId);
  if (panel === null) return;
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  panel.scrollIntoView({ block: 'start', behavior: reduceMotion ? 'auto' : 'smooth' });
  panel.querySelector<HTMLElement>('h2[tabindex="-1"]')?.focus({ preventScroll: true });
}

/**
 * On a phone the cart sits above a long shelf: this bar keeps the count and the total at the bottom
 * of the screen, with a way back to the cart. Shown by the stylesheet only where the cart is not
 * beside the shelf, and tucked away while the cart itself is on screen.
 */
export function CartSummaryBar() {
  const lines = useTally((state) => state.cart.lines);
  const totalCents = useTally((state) => state.cart.totalCents);
  const step = useTally((state) => state.checkout.step);
  const checkoutOnScreen = useOnScreen(checkoutPanelId);
  const inCheckout = step === 'review' || step === 'placing' || step === 'conflict';
  if (lines.length === 0 && !inCheckout) return null;
  return (
    <section className={checkoutOnScreen ? 'cart-bar cart-bar--tucked' : 'cart-bar'} aria-label="Cart summary" inert={checkoutOnScreen}>
      <p className="cart-bar__summary">
        <span className="cart-bar__count">{itemCountLabel(lines)}</span>
        <strong className="cart-bar__total">{formatCents(totalCents)}</strong>
      </p>
      <button type="button" className="button button--primary" onClick={jumpToCheckout}>
        {inCheckout ? 'Go to checkout' : 'View cart'}
      </button>
    </section>
  );
}
