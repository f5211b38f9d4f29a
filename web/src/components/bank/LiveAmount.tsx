import { useEffect, useRef, useState } from 'react';
import { formatCents } from '../../../../shared/money.ts';

type Pulse = { direction: 'down' | 'up'; count: number };

/**
 * An amount flashes at most this often: under a running simulation a balance changes many times a
 * second, and a flash restarted on each change repaints (and re-renders) on every frame.
 */
export const liveAmountFlashIntervalMs = 1_000;

/** An amount that flashes when it changes (a new key restarts the CSS animation). */
export function LiveAmount({ cents }: { cents: number }) {
  const previous = useRef(cents);
  const lastFlashMs = useRef(Number.NEGATIVE_INFINITY);
  const [pulse, setPulse] = useState<Pulse | null>(null);

  useEffect(() => {
    if (previous.current === cents) return;
    const direction = cents < previous.current ? 'down' : 'up';
    previous.current = cents;
    const nowMs = performance.now();
    if (nowMs - lastFlashMs.current < liveAmountFlashIntervalMs) return;
    lastFlashMs.current = nowMs;
    setPulse((last) => ({ direction, count: (last?.count ?? 0) + 1 }));
  }, [cents]);

  return (
    <span key={pulse?.count ?? 0} className={pulse === null ? 'live-amount' : `live-amount live-amount--${pulse.direction}`}>
      {formatCents(cents)}
    </span>
  );
}
