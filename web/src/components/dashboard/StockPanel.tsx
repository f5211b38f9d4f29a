import { useMemo } from 'react';
import type { DashboardSecond } from '../../../../shared/protocol.ts';
import { useTally } from '../../state/use-tally.ts';
import { ProductPicture } from '../art/ProductPicture.tsx';
import { chartColors, clockLabel, latestSecond } from './dashboard-data.ts';
import { TimeChart, type ChartColumns, type ChartDescription, type ChartLine } from './TimeChart.tsx';

const stockLines: readonly ChartLine[] = [
  { label: 'Stock', color: chartColors.stock, fill: true },
  { label: 'Sold out', color: chartColors.soldOut, markers: true },
];

function stockColumns(productId: number): ChartColumns {
  const key = String(productId);
  return (seconds) => [
    seconds.map((second) => second.stock[key] ?? null),
    seconds.map((second) => (second.soldOut.includes(productId) ? 0 : null)),
  ];
}

function stockDescription(productId: number, name: string): ChartDescription {
  const key = String(productId);
  return (seconds, rangeLong) => {
    const now = seconds[seconds.length - 1]?.stock[key];
    if (now === undefined) return `No stock data for ${name} yet.`;
    const soldOutAt = seconds.filter((second: DashboardSecond) => second.soldOut.includes(productId)).map((second) => clockLabel(second.at));
    const soldOut = soldOutAt.length === 0 ? 'not sold out' : `sold out at ${soldOutAt.slice(-3).join(', ')}`;
    return `${name}: ${now} in stock now; over ${rangeLong} ${soldOut}.`;
  };
}

function StockCard({ productId }: { productId: number }) {
  const name = useTally((state) => state.productsById[productId]?.name ?? `Product ${productId}`);
  // The catalog's stock is the freshest committed value (every `changes` frame); the chart follows a second later.
  const stock = useTally((state) => state.productsById[productId]?.stock ?? latestSecond(state)?.stock[String(productId)] ?? null);
  const columns = useMemo(() => stockColumns(productId), [productId]);
  const describe = useMemo(() => stockDescription(productId, name), [productId, name]);
  const soldOut = stock === 0;
  return (
    <li className={soldOut ? 'stock-card stock-card--sold-out' : 'stock-card'}>
      <div className="stock-card__head">
        <h3 className="stock-card__name">
          <ProductPicture name={name} className="stock-card__picture" /> {name}
        </h3>
        <p className="stock-card__now">
          <span className="visually-hidden">In stock: </span>
          <span className="stock-card__count" data-testid={`dashboard-stock-${productId}`}>
            {stock ?? '…'}
          </span>
          {soldOut && <span className="stock-card__badge">Sold out</span>}
        </p>
      </div>
      <TimeChart label={`Stock of ${name} over time; circles mark the seconds it sold out`} heightPx={72} lines={stockLines} columns={columns} describe={describe} compact />
    </li>
  );
}

/** Small multiples: one sparkline per product, each on its own scale, sold-out moments circled. */
export function StockPanel() {
  const productIds = useTally((state) => state.productIds);
  return (
    <section className="panel dashboard-panel dashboard-panel--full" aria-labelledby="dashboard-stock-title">
      <div className="dashboard-panel__header">
        <h2 id="dashboard-stock-title" className="dashboard-panel__title">
          Stock
        </h2>
        <p className="dashboard-panel__note">
          <span className="stock-legend stock-legend--line" aria-hidden="true" /> units left{' '}
          <span className="stock-legend stock-legend--marker" aria-hidden="true" /> sold out in that second
        </p>
      </div>
      <ul className="stock-grid">
        {productIds.map((productId) => (
          <StockCard key={productId} productId={productId} />
        ))}
      </ul>
    </section>
  );
}
