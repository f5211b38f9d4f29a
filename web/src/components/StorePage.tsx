import { offlineReason } from '../state/connection-slice.ts';
import { useTally } from '../state/use-tally.ts';
import { CartSummaryBar } from './CartSummaryBar.tsx';
import { CheckoutPanel } from './CheckoutPanel.tsx';
import { OrderHistory } from './OrderHistory.tsx';
import { ProductGrid } from './ProductGrid.tsx';
import { ShopperForm } from './ShopperForm.tsx';

function Sidebar() {
  const sessionStatus = useTally((state) => state.sessionStatus);
  if (sessionStatus === 'active') return <CheckoutPanel />;
  if (sessionStatus === 'resuming') {
    return (
      <div className="panel panel--quiet" aria-busy="true">
        <p className="empty-state">Welcoming you back…</p>
      </div>
    );
  }
  return <ShopperForm />;
}

/** What the shelf heading says under it: how stock behaves now, or why nothing can be added. */
function ShelfNote({ active }: { active: boolean }) {
  const reason = useTally((state) => offlineReason(state.connectionStatus));
  if (!active) return <p>Tell us who you are to start filling your cart.</p>;
  if (reason === null) return <p>Stock updates live across every open tab.</p>;
  return (
    <p className="section-heading__offline">
      {reason} Stock shown may be out of date, and adding to the cart waits until Tally is back.
    </p>
  );
}

export function StorePage() {
  const active = useTally((state) => state.sessionStatus === 'active');
  return (
    <>
      <main className="layout">
        <aside className="layout__sidebar" aria-label="Cart and checkout">
          <Sidebar />
        </aside>
        <section className="layout__catalog" aria-labelledby="catalog-title">
          <div className="section-heading">
            <h2 id="catalog-title">On the shelf</h2>
            <ShelfNote active={active} />
          </div>
          <ProductGrid />
        </section>
      </main>
      {active && (
        <div className="layout layout--single">
          <OrderHistory />
        </div>
      )}
      {active && <CartSummaryBar />}
    </>
  );
}
