import { useTally } from '../state/use-tally.ts';
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

export function StorePage() {
  const active = useTally((state) => state.sessionStatus === 'active');
  return (
    <>
      <main className="layout">
        <aside className="layout__sidebar">
          <Sidebar />
        </aside>
        <section className="layout__catalog" aria-labelledby="catalog-title">
          <div className="section-heading">
            <h2 id="catalog-title">On the shelf</h2>
            <p>{active ? 'Stock updates live across every open tab.' : 'Tell us who you are to start filling your cart.'}</p>
          </div>
          <ProductGrid />
        </section>
      </main>
      {active && (
        <div className="layout layout--single">
          <OrderHistory />
        </div>
      )}
    </>
  );
}
