import { useTally } from '../state/use-tally.ts';
import { ProductCard } from './ProductCard.tsx';

export function ProductGrid() {
  // The slice replaces productIds only when the set of ids changes, so this selector is stable.
  const productIds = useTally((state) => state.productIds);
  const loaded = useTally((state) => state.connectionStatus !== 'connecting' || state.productIds.length > 0);
  if (productIds.length === 0) {
    return <p className="empty-state">{loaded ? 'The shelf is empty right now.' : 'Opening the store…'}</p>;
  }
  return (
    <div className="product-grid">
      {productIds.map((productId) => (
        <ProductCard key={productId} productId={productId} />
      ))}
    </div>
  );
}
