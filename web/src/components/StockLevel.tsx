import { useEffect, useRef, useState } from 'react';
import { lowStockMax, stockLabel } from './labels.ts';

type Pulse = { direction: 'down' | 'up'; count: number };

/**
 * Live stock; when it changes, the number pulses (a new key restarts the CSS animation). Findable as
 * the status named "Stock", but never announced: stock ticks whenever anyone buys, and a screen reader
 * would read out every shelf's changes. A shopper reads it when they get to the product.
 */
export function StockLevel({ stock }: { stock: number }) {
  const shown = Math.max(0, stock);
  const previous = useRef(shown);
  const [pulse, setPulse] = useState<Pulse | null>(null);

  useEffect(() => {
    if (previous.current === shown) return;
    const direction = shown < previous.current ? 'down' : 'up';
    previous.current = shown;
    setPulse((last) => ({ direction, count: (last?.count ?? 0) + 1 }));
  }, [shown]);

  const level = shown === 0 ? 'out' : shown <= lowStockMax ? 'low' : 'ok';
  return (
    <p role="status" aria-live="off" aria-label="Stock" className={`stock stock--${level}`}>
      <span key={pulse?.count ?? 0} className={pulse === null ? 'stock__value' : `stock__value stock__value--${pulse.direction}`}>
        {stockLabel(shown)}
      </span>
    </p>
  );
}
