import { useEffect, useRef, useState } from 'react';
import { formatCents } from '../../../../shared/money.ts';

type Pulse = { direction: 'down' | 'up'; count: number };

/** An amount that flashes when it changes (a new key restarts the CSS animation). */
export function LiveAmount({ cents }: { cents: number }) {
  const previous = useRef(cents);
  const [pulse, setPulse] = useState<Pulse | null>(null);

  useEffect(() => {
    if (previous.current === cents) return;
    const direction = cents < previous.current ? 'down' : 'up';
    previous.current = cents;
    setPulse((last) => ({ direction, count: (last?.count ?? 0) + 1 }));
  }, [cents]);

  return (
    <span key={pulse?.count ?? 0} className={pulse === null ? 'live-amount' : `live-amount live-amount--${pulse.direction}`}>
      {formatCents(cents)}
    </span>
  );
}
