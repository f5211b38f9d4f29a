import { useId, useState, type FormEvent } from 'react';
import { lineQuantityMax } from '../../../shared/limits.ts';
import { formatCents } from '../../../shared/money.ts';
import { useTally } from '../state/use-tally.ts';
import { ProductPicture } from './art/ProductPicture.tsx';
import { StockLevel } from './StockLevel.tsx';
import { useShopActions } from './shop-actions-context.ts';
import { useShownFailure } from './use-shown-failure.ts';

function parseQuantity(text: string): number | null {
  const quantity = Number(text);
  return Number.isInteger(quantity) && quantity >= 1 && quantity <= lineQuantityMax ? quantity : null;
}

export function ProductCard({ productId }: { productId: number }) {
  const product = useTally((state) => state.productsById[productId]);
  const inCart = useTally((state) => state.cart.lines.find((line) => line.productId === productId)?.quantity ?? 0);
  const canShop = useTally((state) => state.sessionStatus === 'active' && state.connectionStatus === 'online');
  const actions = useShopActions();
  const [quantityText, setQuantityText] = useState('1');
  const [quantityError, setQuantityError] = useState<string | null>(null);
  // A "not connected" failure clears itself once the tab is back online.
  const failure = useShownFailure();
  const [adding, setAdding] = useState(false);
  const id = useId();
  if (product === undefined) return null;
  const soldOut = product.stock <= 0;

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const quantity = parseQuantity(quantityText);
    if (quantity === null) {
      setQuantityError(`Enter a whole number from 1 to ${lineQuantityMax}.`);
      return;
    }
    setAdding(true);
    setQuantityError(null);
    failure.clear();
    try {
      await actions.addToCart(productId, quantity);
      setQuantityText('1');
    } catch (error) {
      failure.show(error);
    } finally {
      setAdding(false);
    }
  }

  return (
    <article className={soldOut ? 'product-card product-card--sold-out' : 'product-card'} aria-labelledby={`${id}-name`}>
      <div className="product-card__art" aria-hidden="true">
        <ProductPicture name={product.name} />
        {soldOut && <span className="product-card__ribbon">Sold out</span>}
      </div>
      <div className="product-card__body">
        <h3 id={`${id}-name`} className="product-card__name">
          {product.name}
        </h3>
        <p className="product-card__description">{product.description}</p>
        <div className="product-card__meta">
          <span className="product-card__price">{formatCents(product.priceCents)}</span>
          <StockLevel stock={product.stock} />
        </div>
        <form className="add-form" noValidate onSubmit={add}>
          <label htmlFor={`${id}-quantity`} className="add-form__label">
            Quantity
          </label>
          <input
            id={`${id}-quantity`}
            className="add-form__quantity"
            type="number"
            inputMode="numeric"
            min={1}
            max={Math.max(1, product.stock)}
            value={quantityText}
            disabled={soldOut}
            onChange={(event) => {
              setQuantityText(event.target.value);
              setQuantityError(null);
              failure.clear();
            }}
          />
          <button type="submit" className="button button--primary" disabled={soldOut || !canShop || adding}>
            Add to cart
          </button>
        </form>
        {inCart > 0 && <p className="product-card__in-cart">{inCart} in your cart</p>}
        {(quantityError ?? failure.message) !== null && (
          <p role="alert" className="notice notice--error notice--compact">
            {quantityError ?? failure.message}
          </p>
        )}
      </div>
    </article>
  );
}
