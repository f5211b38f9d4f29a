import { useShallow } from 'zustand/react/shallow';
import { useTally } from '../state/use-tally.ts';

export function Greeting() {
  const shopper = useTally(useShallow((state) => ({ name: state.shopper?.name, address: state.shopper?.address })));
  if (shopper.name === undefined) return null;
  return (
    <div className="greeting">
      <h2 className="greeting__title">Welcome, {shopper.name}</h2>
      <p className="greeting__address">Shipping to {shopper.address}</p>
    </div>
  );
}
