import type { ReactNode } from 'react';

/**
 * A term and its value in a <dl>, the value findable by role and the term's name. Not announced:
 * these values (totals, rates, counts) change many times a second while the bank is busy.
 */
export function NamedValue({ id, className, label, children }: { id: string; className: string; label: string; children: ReactNode }) {
  return (
    <div className={className}>
      <dt id={id}>{label}</dt>
      <dd>
        <span role="status" aria-live="off" aria-labelledby={id}>
          {children}
        </span>
      </dd>
    </div>
  );
}
