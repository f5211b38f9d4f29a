import { useTally } from '../../state/use-tally.ts';
import { racesLostInView, rangeLabels } from './dashboard-data.ts';

function RaceRow({ productId }: { productId: number }) {
  const name = useTally((state) => state.productsById[productId]?.name ?? `Product ${productId}`);
  const count = useTally((state) => racesLostInView(state).totals[String(productId)] ?? 0);
  const most = useTally((state) => Math.max(1, ...Object.values(racesLostInView(state).totals)));
  return (
    <li className="races__row">
      <span className="races__name">{name}</span>
      <span className="races__bar" aria-hidden="true">
        <span className="races__fill" style={{ width: `${(count / most) * 100}%` }} />
      </span>
      <span className="races__count" data-testid={`races-lost-${productId}`}>
        {count}
      </span>
    </li>
  );
}

/** Checkouts refused because another shopper bought the last units first, per product, over the selected range. */
export function RacesLostPanel() {
  const productIds = useTally((state) => state.productIds);
  const total = useTally((state) => racesLostInView(state).total);
  const rangeLong = useTally((state) => rangeLabels[state.dashboardRangeSeconds].long);
  return (
    <section className="panel dashboard-panel dashboard-races" aria-labelledby="dashboard-races-title">
      <div className="dashboard-panel__header">
        <h2 id="dashboard-races-title" className="dashboard-panel__title">
          Races lost
        </h2>
        <p className="races__total">
          Total <span data-testid="races-lost-total">{total}</span>
        </p>
      </div>
      <p className="dashboard-panel__note">Checkouts refused because another shopper got the stock first, over {rangeLong}.</p>
      <ul className="races">
        {productIds.map((productId) => (
          <RaceRow key={productId} productId={productId} />
        ))}
      </ul>
    </section>
  );
}
