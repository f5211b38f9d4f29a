import type { ReactNode } from 'react';

/**
 * A term and its number in a <dl>. Not a live region: these values change every second, and a
 * screen reader user reads them when they choose to.
 */
export function DashboardStat({ label, testId, tone, children }: { label: string; testId?: string; tone?: 'good' | 'bad'; children: ReactNode }) {
  return (
    <div className={tone === undefined ? 'dashboard-stat' : `dashboard-stat dashboard-stat--${tone}`}>
      <dt className="dashboard-stat__label">{label}</dt>
      <dd className="dashboard-stat__value" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
